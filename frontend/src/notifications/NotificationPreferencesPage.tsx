// Settings › Notifications: which emails come at once, per category, and the digest
// (daily or weekly at 08:00 in the chosen time zone, or off), for this workspace.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import type { Workspace } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { FormError } from "../components/Field";
import { TimeZoneField } from "../components/TimeZoneField";
import { showToast } from "../components/Toasts";
import { CATEGORY_LABELS, preferencesPath, type Category, type Digest, type Preferences } from "./api";
import "./notifications.css";

const CATEGORIES: Category[] = ["failures", "connections", "approvals", "security"];

export function NotificationPreferencesPage() {
  return <WorkspaceGate>{(workspace) => <Loader key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function Loader({ workspace }: { workspace: Workspace }) {
  const preferences = useQuery({
    queryKey: ["notification-preferences", workspace.id],
    queryFn: () => api<Preferences>(preferencesPath(workspace.id)),
  });
  if (preferences.isPending) return <p role="status">Loading…</p>;
  if (preferences.isError) return <FormError error={preferences.error} fields={[]} />;
  return <PreferencesForm workspace={workspace} saved={preferences.data} />;
}

function PreferencesForm({ workspace, saved }: { workspace: Workspace; saved: Preferences }) {
  const queryClient = useQueryClient();
  const [immediate, setImmediate] = useState(saved.immediate);
  const [digest, setDigest] = useState<Digest>(saved.digest);
  const [ownZone, setOwnZone] = useState(saved.timezone !== null);
  const [zone, setZone] = useState(saved.timezone ?? saved.effective_timezone);
  const save = useMutation({
    mutationFn: () =>
      api<Preferences>(preferencesPath(workspace.id), {
        method: "PUT",
        body: { immediate: { ...immediate, security: true }, digest, timezone: ownZone ? zone : null },
      }),
    meta: { toast: false },
    onSuccess: (data) => {
      queryClient.setQueryData(["notification-preferences", workspace.id], data);
      showToast(
        data.next_digest_at
          ? `Saved. The next digest comes ${new Date(data.next_digest_at).toLocaleString(undefined, {
              dateStyle: "full",
              timeStyle: "short",
              timeZone: data.effective_timezone,
            })} (${data.effective_timezone}).`
          : "Saved.",
      );
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="notifications-title" className="notification-preferences">
      <h1 id="notifications-title">Notifications</h1>
      <p className="muted">
        What Schedulo emails you about <strong>{workspace.name}</strong>. Every email also has a link to unsubscribe from its kind in one
        click. In-app notifications (the bell) are not affected.
      </p>
      <form onSubmit={submit} aria-label="Email preferences">
        <fieldset>
          <legend>Email me at once about</legend>
          {CATEGORIES.map((category) => (
            <label key={category} className="preference">
              <input
                type="checkbox"
                name={`immediate.${category}`}
                checked={category === "security" ? true : immediate[category]}
                disabled={category === "security"}
                aria-describedby={`hint-${category}`}
                onChange={(e) => setImmediate({ ...immediate, [category]: e.target.checked })}
              />{" "}
              {CATEGORY_LABELS[category].title}
              <small id={`hint-${category}`} className="muted">
                {CATEGORY_LABELS[category].hint}
              </small>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Digest</legend>
          <p className="muted">
            What was published, what failed, what is coming and the headline figures, at 08:00 in your time zone (weekly: on Mondays).
          </p>
          {(["daily", "weekly", "off"] as Digest[]).map((value) => (
            <label key={value} className="preference inline">
              <input type="radio" name="digest" value={value} checked={digest === value} onChange={() => setDigest(value)} />{" "}
              {value === "daily" ? "Daily" : value === "weekly" ? "Weekly" : "Off"}
            </label>
          ))}
          <label className="preference">
            <input type="checkbox" checked={!ownZone} onChange={(e) => setOwnZone(!e.target.checked)} disabled={digest === "off"} /> Use the
            workspace's time zone ({workspace.timezone})
          </label>
          {ownZone && digest !== "off" && <TimeZoneField label="Digest time zone" value={zone} onChange={setZone} error={save.error} />}
        </fieldset>
        <FormError error={save.error} fields={["timezone"]} />
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save preferences"}
        </button>
      </form>
    </section>
  );
}
