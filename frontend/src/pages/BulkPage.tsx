// Bulk scheduling: drop a CSV, read every problem at its cell, commit with a progress bar.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { api, ApiError } from "../api/client";
import { useNetworkName } from "../api/networks";
import { useWorkspace } from "../auth/session";
import { NetworkIcon } from "../components/NetworkIcon";
import { plural } from "../dashboard/checklist";
import { BUSY, commitImport, getImport, problemsByCell, uploadCsv, type BulkImport, type UploadChoices } from "../bulk/api";
import "../bulk/bulk.css";
import { DropZone } from "../media/DropZone";
import "../media/media.css";

export function BulkPage() {
  const { workspace } = useWorkspace();
  if (!workspace) return <p>Loading…</p>;
  return <Bulk workspaceId={workspace.id} />;
}

function Bulk({ workspaceId }: { workspaceId: string }) {
  const [importId, setImportId] = useState<string | null>(null);
  const [choices, setChoices] = useState<UploadChoices>({});
  const upload = useMutation({
    mutationFn: (file: File) => uploadCsv(workspaceId, file, choices),
    onSuccess: (created) => setImportId(created.id),
  });
  const current = useQuery({
    queryKey: ["import", workspaceId, importId],
    queryFn: () => getImport(workspaceId, importId!),
    enabled: importId !== null,
    refetchInterval: (query) => (query.state.data && !BUSY.includes(query.state.data.status) ? false : 500),
  });
  return (
    <section className="bulk">
      <h1>Bulk scheduling</h1>
      <p>
        Schedule up to 90 days of posts from one CSV file: Schedulo's own columns, or a file from Hootsuite, Buffer or
        Ayrshare. <a href="/v1/imports/template.csv" download>Download the template</a>.
      </p>
      <Choices choices={choices} onChange={setChoices} error={upload.error} />
      <DropZone
        accept=".csv,text/csv"
        multiple={false}
        prompt="Drop a CSV file here"
        chooseLabel="Choose a CSV file"
        disabled={upload.isPending}
        onFiles={(files) => upload.mutate(files[0])}
      />
      {upload.isPending && <p>Uploading…</p>}
      {upload.isError && <UploadError error={upload.error} />}
      {current.isError && <p role="alert">Could not read the import: {current.error.message}</p>}
      {current.data && <ImportView workspaceId={workspaceId} imported={current.data} />}
    </section>
  );
}

function Choices({ choices, onChange, error }: { choices: UploadChoices; onChange: (c: UploadChoices) => void; error: unknown }) {
  const ids = { format: useId(), order: useId(), zone: useId(), accounts: useId() };
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  return (
    <fieldset className="bulk-choices">
      <legend>How to read the file</legend>
      <div className="field">
        <label htmlFor={ids.format}>Format</label>
        <select id={ids.format} value={choices.format ?? ""} onChange={(e) => onChange({ ...choices, format: e.target.value })}>
          <option value="">Detect from the header</option>
          <option value="schedulo">Schedulo</option>
          <option value="hootsuite">Hootsuite bulk composer</option>
          <option value="buffer">Buffer</option>
          <option value="ayrshare">Ayrshare</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.order}>Dates such as 03/04/2027</label>
        <select id={ids.order} value={choices.date_order ?? ""} onChange={(e) => onChange({ ...choices, date_order: e.target.value })}>
          <option value="">Ask me when a date is ambiguous</option>
          <option value="dmy">Day first (3 April)</option>
          <option value="mdy">Month first (March 4)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.zone}>Time zone of rows without one</label>
        <input id={ids.zone} placeholder="the workspace's" value={choices.timezone ?? ""} onChange={(e) => onChange({ ...choices, timezone: e.target.value })} />
        {fieldError("timezone") && <p className="field-error">{fieldError("timezone")}</p>}
      </div>
      <div className="field">
        <label htmlFor={ids.accounts}>Accounts for rows that name none</label>
        <input id={ids.accounts} placeholder="x:@handle|linkedin:Page" value={choices.accounts ?? ""} onChange={(e) => onChange({ ...choices, accounts: e.target.value })} />
      </div>
    </fieldset>
  );
}

function UploadError({ error }: { error: Error }) {
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div role="alert" className="bulk-error">
      <p>{error.message}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={`${d.field}:${d.message}`}>
              <strong>{d.field}</strong>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ImportView({ workspaceId, imported }: { workspaceId: string; imported: BulkImport }) {
  const [skip, setSkip] = useState(false);
  const queryClient = useQueryClient();
  const commit = useMutation({
    mutationFn: () => commitImport(workspaceId, imported.id, skip),
    // The import is now committing: the page polls it again until it is done.
    onSuccess: (committing) => queryClient.setQueryData(["import", workspaceId, imported.id], committing),
  });
  const skipId = useId();
  if (imported.status === "validating") return <p aria-live="polite">Checking every row…</p>;
  const invalid = imported.rows - imported.valid_rows;
  const committing = imported.status === "committing" || commit.isPending;
  return (
    <div>
      <h2>
        {plural(imported.rows, "row")} ({imported.format}): {imported.valid_rows} ready
        {invalid > 0 ? `, ${invalid} with problems` : ""}
      </h2>
      {imported.failure && <p role="alert">{imported.failure}</p>}
      <Summary imported={imported} />
      <RowTable imported={imported} />
      {imported.status !== "done" && (
        <div className="bulk-commit">
          {invalid > 0 && (
            <label htmlFor={skipId}>
              <input id={skipId} type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} /> Skip the{" "}
              {plural(invalid, "row")} with problems
            </label>
          )}
          <button type="button" disabled={committing || (invalid > 0 && !skip) || imported.valid_rows === 0} onClick={() => commit.mutate()}>
            Schedule {plural(invalid > 0 && skip ? imported.valid_rows : imported.rows, "post")}
          </button>
          {commit.isError && <UploadError error={commit.error} />}
        </div>
      )}
      {(committing || imported.status === "done") && (
        <div className="bulk-progress">
          <label htmlFor={`${skipId}-progress`}>Scheduling</label>
          <progress id={`${skipId}-progress`} max={1} value={imported.status === "done" ? 1 : imported.progress} />
          <span>{Math.round((imported.status === "done" ? 1 : imported.progress) * 100)}%</span>
        </div>
      )}
      {imported.status === "done" && <Scheduled workspaceId={workspaceId} imported={imported} />}
    </div>
  );
}

function Summary({ imported }: { imported: BulkImport }) {
  const { by_account, by_week } = imported.summary;
  const networkName = useNetworkName();
  if (by_account.length === 0) return null;
  const accounts: [ReactNode, number, string][] = by_account.map((a) => [
    a.network ? (
      <span className="bulk-account">
        <NetworkIcon network={a.network} size={16} />
        <span>
          {a.name ?? a.account} <span className="muted">· {networkName(a.network)}</span>
        </span>
      </span>
    ) : (
      a.account
    ),
    a.posts,
    a.account,
  ]);
  const weeks: [ReactNode, number, string][] = by_week.map((w) => [weekLabel(w.week), w.posts, w.week]);
  return (
    <div className="bulk-summary">
      <CountTable label="Posts by account" heading="Account" rows={accounts} />
      <CountTable label="Posts by week" heading="Week of" rows={weeks} />
    </div>
  );
}

/** "Mon 7 Dec 2026" for the Monday "2026-12-07" (a calendar date: no time zone moves it). */
function weekLabel(monday: string): string {
  const [y, m, d] = monday.split("-").map(Number);
  if (!y || !m || !d) return monday;
  return new Date(y, m - 1, d).toLocaleDateString([], { weekday: "short", day: "numeric", month: "short", year: "numeric" });
}

function CountTable({ label, heading, rows }: { label: string; heading: string; rows: [ReactNode, number, string][] }) {
  return (
    <table className="table" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{heading}</th>
          <th scope="col">Posts</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, posts, key]) => (
          <tr key={key}>
            <td>{name}</td>
            <td>{posts}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RowTable({ imported }: { imported: BulkImport }) {
  const problems = problemsByCell(imported.errors);
  const columns = imported.columns;
  const shown = imported.preview;
  return (
    <>
      {imported.errors.length > 0 && (
        <p role="alert">
          {plural(imported.errors.length, "problem")} in {plural(problems.size, "row")}: the cells are highlighted below.
        </p>
      )}
      <div className="bulk-table-scroll">
        <table className="table bulk-table" aria-label="Rows of the file">
          <thead>
            <tr>
              <th scope="col">Row</th>
              {columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
              <th scope="col">Goes out</th>
              <th scope="col">Problems</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => {
              const rowProblems = problems.get(row.row);
              return (
                <tr key={row.row} data-row={row.row} data-invalid={row.valid ? undefined : true}>
                  <th scope="row">{row.row}</th>
                  {columns.map((c) => {
                    const messages = rowProblems?.get(c);
                    return (
                      <td key={c} className={messages ? "cell-error" : undefined} title={messages?.join("\n")} data-column={c} data-label={c}>
                        {row.cells[c] ?? ""}
                      </td>
                    );
                  })}
                  <td className="goes-out" data-label="Goes out">{row.scheduled_at ? `${shortTime(row.scheduled_at)}${row.queued ? " (queue)" : ""}` : "—"}</td>
                  <td className="problems-cell" data-label="Problems">
                    {rowProblems && (
                      <ul className="row-problems">
                        {[...rowProblems.entries()].flatMap(([column, messages]) =>
                          messages.map((m) => (
                            <li key={`${column}:${m}`}>
                              <strong>{column}</strong>: {m}
                            </li>
                          )),
                        )}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length < imported.rows && (
        <p>
          Showing the first rows and every row with a problem ({shown.length} of {imported.rows}).
        </p>
      )}
    </>
  );
}

function shortTime(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

interface PostSummary {
  id: string;
  text: string;
  scheduled_at: string | null;
  targets: { account_id: string; network: string }[];
}

/** What the commit scheduled, as the posts list (GET .../posts) shows it. */
function Scheduled({ workspaceId, imported }: { workspaceId: string; imported: BulkImport }) {
  const times = imported.preview.filter((r) => r.valid && r.scheduled_at).map((r) => r.scheduled_at!);
  const from = times.length ? times.reduce((a, b) => (a < b ? a : b)) : undefined;
  const networkName = useNetworkName();
  const posts = useQuery({
    queryKey: ["posts", workspaceId, "import", imported.id],
    queryFn: () => api<{ items: PostSummary[] }>(`/v1/workspaces/${workspaceId}/posts?limit=200${from ? `&from=${encodeURIComponent(from)}` : ""}`),
  });
  return (
    <section aria-label="Scheduled posts">
      <h2>Scheduled: {plural(imported.created_posts, "post")}</h2>
      {posts.isPending && <p>Loading the posts…</p>}
      {posts.isError && <p role="alert">Could not load the posts: {posts.error.message}</p>}
      {posts.data && posts.data.items.length === 0 && <p>No scheduled posts in this period.</p>}
      {posts.data && posts.data.items.length > 0 && (
        <table className="table" aria-label="Scheduled posts">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Networks</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {posts.data.items.map((p) => (
              <tr key={p.id}>
                <td>{p.scheduled_at ? shortTime(p.scheduled_at) : "draft"}</td>
                <td>{[...new Set(p.targets.map((t) => t.network))].map(networkName).join(", ")}</td>
                <td>{p.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
