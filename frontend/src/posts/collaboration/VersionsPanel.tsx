import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/client";
import type { Post } from "../api";
import { collaborationKeys, diffVersion, listVersions, restoreVersion, type Change, type VersionSummary } from "./api";
import { When } from "./bits";
import { wordDiff } from "./diff";

const REASONS: Record<string, string> = { created: "Created", edited: "Edited", restored: "Restored" };
// What the API lets an edit (and so a restore) change: not yet on its way.
const EDITABLE = new Set(["draft", "pending_approval", "changes_requested", "rejected", "expired", "approved", "scheduled"]);

/** Every saved version of the post: pick one to see what it changed, and restore it. */
export function VersionsPanel({
  workspaceId,
  post,
  canEdit,
  postKey,
}: {
  workspaceId: string;
  post: Post;
  canEdit: boolean;
  postKey: unknown[];
}) {
  const versions = useQuery({
    queryKey: [...collaborationKeys.versions(workspaceId, post.id), post.version],
    queryFn: () => listVersions(workspaceId, post.id),
    // A new version of the post refreshes the list in place (a restore's answer stays on screen).
    placeholderData: keepPreviousData,
  });
  const [chosen, setChosen] = useState<number | null>(null);
  const [against, setAgainst] = useState<"previous" | "current">("previous");
  if (versions.isPending) return <p className="muted">Loading the versions…</p>;
  if (versions.isError) return <p role="alert">Could not load the versions: {versions.error.message}</p>;
  const items = versions.data.items;
  if (!items.length) return <p className="muted">No saved versions yet.</p>;
  const current = items.find((v) => v.current) ?? items[0];
  const selected = items.find((v) => v.version === chosen) ?? items[0];
  return (
    <div className="versions">
      <ol className="version-list" aria-label="Versions">
        {items.map((v) => (
          <li key={v.version}>
            <button
              type="button"
              className="version-item"
              aria-pressed={v.version === selected.version}
              onClick={() => setChosen(v.version)}
            >
              <span className="version-number">
                v{v.version}
                {v.current && <span className="badge version-current">current</span>}
              </span>
              <span>
                {REASONS[v.reason] ?? v.reason}
                {v.restored_from ? ` from v${v.restored_from}` : ""} by {v.actor?.name ?? "Schedulo"}
              </span>
              <When at={v.at} />
            </button>
          </li>
        ))}
      </ol>
      <VersionDetail
        key={`${selected.version}-${against}`}
        workspaceId={workspaceId}
        post={post}
        version={selected}
        current={current}
        against={against}
        setAgainst={setAgainst}
        canEdit={canEdit}
        postKey={postKey}
        onRestored={() => setChosen(null)}
      />
    </div>
  );
}

function VersionDetail({
  workspaceId,
  post,
  version,
  current,
  against,
  setAgainst,
  canEdit,
  postKey,
  onRestored,
}: {
  workspaceId: string;
  post: Post;
  version: VersionSummary;
  current: VersionSummary;
  against: "previous" | "current";
  setAgainst: (value: "previous" | "current") => void;
  canEdit: boolean;
  postKey: unknown[];
  onRestored: () => void;
}) {
  const queryClient = useQueryClient();
  const isCurrent = version.version === current.version;
  // Against the current version, the diff reads as "what restoring would change".
  const [from, to] = against === "current" && !isCurrent ? [current.version, version.version] : [null, version.version];
  const diff = useQuery({
    queryKey: collaborationKeys.diff(workspaceId, post.id, to, from),
    queryFn: () => diffVersion(workspaceId, post.id, to, from),
  });
  const [confirming, setConfirming] = useState(false);
  const [withTime, setWithTime] = useState(false);
  const restore = useMutation({
    mutationFn: () => restoreVersion(workspaceId, post.id, version.version, post.version, withTime),
    meta: { toast: false }, // the panel says what went wrong, next to the button
    onSuccess: (updated) => {
      queryClient.setQueryData(postKey, updated);
      void queryClient.invalidateQueries({ queryKey: collaborationKeys.versions(workspaceId, post.id) });
      void queryClient.invalidateQueries({ queryKey: collaborationKeys.timeline(workspaceId, post.id) });
      void queryClient.invalidateQueries({ queryKey: ["posts", workspaceId] });
      setConfirming(false);
      onRestored();
    },
    // A stale page re-reads the post before it says so (the mutation stays pending until
    // then), so a second click restores onto the version now current, not a 409 again.
    onError: (error) =>
      error instanceof ApiError && error.status === 409 ? queryClient.invalidateQueries({ queryKey: postKey }) : undefined,
  });
  const timeChanges = diff.data?.changes.some((c) => c.field === "scheduled_at") ?? false;
  return (
    <section className="version-detail" aria-label={`Version ${version.version}`}>
      <header className="version-detail-head">
        <h3>
          Version {version.version}
          {isCurrent && <span className="muted"> (current)</span>}
        </h3>
        {!isCurrent && (
          <div className="segmented" role="group" aria-label="Compare with">
            <button type="button" aria-pressed={against === "previous"} onClick={() => setAgainst("previous")}>
              Its changes
            </button>
            <button type="button" aria-pressed={against === "current"} onClick={() => setAgainst("current")}>
              Compare with current
            </button>
          </div>
        )}
      </header>
      {diff.isPending && <p className="muted">Comparing…</p>}
      {diff.isError && <p role="alert">Could not compare: {diff.error.message}</p>}
      {diff.data && (
        <>
          <p className="muted diff-caption">
            {diff.data.from_version === 0
              ? "The first version: everything in it is new."
              : `Changes from version ${diff.data.from_version} to version ${diff.data.to_version}.`}
          </p>
          {diff.data.changes.length === 0 ? (
            <p className="muted">No difference in the content.</p>
          ) : (
            <dl className="diff" aria-label="Differences">
              {diff.data.changes.map((change) => (
                <div key={change.field} className="diff-row">
                  <dt>{change.label}</dt>
                  <dd>
                    <ChangeView change={change} timezone={post.timezone} />
                  </dd>
                </div>
              ))}
            </dl>
          )}
        </>
      )}
      {!isCurrent && canEdit && !EDITABLE.has(post.status) && (
        <p className="muted">The post is {post.status.replace(/_/g, " ")}: it can no longer be edited, nor a version restored.</p>
      )}
      {canEdit && !isCurrent && EDITABLE.has(post.status) && (
        <div className="restore">
          {!confirming ? (
            <button type="button" onClick={() => setConfirming(true)}>
              Restore version {version.version}…
            </button>
          ) : (
            <div className="confirm" role="group" aria-label="Restore">
              <p>
                Restoring makes a new version with the content of version {version.version}
                {post.status === "approved" || post.status === "scheduled" ? "; it goes out as it is when due." : "."}
              </p>
              {timeChanges && (
                <label className="choice">
                  <input type="checkbox" checked={withTime} onChange={(e) => setWithTime(e.target.checked)} /> Also bring
                  back its time
                </label>
              )}
              <div className="actions">
                <button type="button" className="primary" onClick={() => restore.mutate()} disabled={restore.isPending}>
                  {restore.isPending ? "Restoring…" : `Restore version ${version.version}`}
                </button>
                <button type="button" onClick={() => setConfirming(false)} disabled={restore.isPending}>
                  Cancel
                </button>
              </div>
            </div>
          )}
          {restore.isError && (
            <p role="alert" className="form-error">
              {restore.error instanceof ApiError && restore.error.fieldMessage("version")
                ? "Someone changed the post meanwhile: it was reloaded. Check it, then restore again."
                : `Could not restore: ${restore.error.message}`}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function ChangeView({ change, timezone }: { change: Change; timezone: string }) {
  const { before, after, field } = change;
  if (field === "scheduled_at") {
    // In the post's own zone, as the composer shows its time.
    const shown = (value: unknown) => {
      if (!value) return "no time (draft)";
      const date = new Date(String(value));
      try {
        return `${date.toLocaleString(undefined, { timeZone: timezone, dateStyle: "medium", timeStyle: "short" })} (${timezone})`;
      } catch {
        return date.toLocaleString();
      }
    };
    return (
      <span>
        <del>{shown(before)}</del> → <ins>{shown(after)}</ins>
      </span>
    );
  }
  if (field === "media_ids") {
    const old = new Set((before as string[] | null) ?? []);
    const now = new Set((after as string[] | null) ?? []);
    const added = [...now].filter((m) => !old.has(m)).length;
    const removed = [...old].filter((m) => !now.has(m)).length;
    const moved = !added && !removed;
    return (
      <span>
        {added > 0 && <ins>{added} added</ins>} {removed > 0 && <del>{removed} removed</del>}
        {moved && "reordered"} <span className="muted">({now.size} in all)</span>
      </span>
    );
  }
  if ((typeof before === "string" || before == null) && (typeof after === "string" || after == null)) {
    if (before == null && after != null && field.startsWith("targets.") && !field.endsWith(".text")) {
      return <ins>added</ins>;
    }
    if (after == null && before != null && field.startsWith("targets.") && !field.endsWith(".text")) {
      return <del>removed</del>;
    }
    const parts = wordDiff(before ?? "", after ?? "");
    return (
      <p className="diff-text">
        {parts.map((part, i) =>
          part.kind === "added" ? (
            <ins key={i}>{part.text}</ins>
          ) : part.kind === "removed" ? (
            <del key={i}>{part.text}</del>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
        {before == null && field.endsWith(".text") && <span className="muted"> (was the main text)</span>}
        {after == null && field.endsWith(".text") && <span className="muted"> (now the main text)</span>}
      </p>
    );
  }
  return (
    <span>
      <del>{JSON.stringify(before)}</del> → <ins>{JSON.stringify(after)}</ins>
    </span>
  );
}
