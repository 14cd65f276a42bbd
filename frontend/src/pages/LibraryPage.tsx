// The content library: saved captions and snippets, hashtag groups and post templates
// (text, a text per network, media, first comment) that the composer inserts.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { useNetworks } from "../api/networks";
import { roleAllows, type Workspace } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { Field, FormError } from "../components/Field";
import { ItemSummary } from "../library/ItemSummary";
import {
  KIND_NAMES,
  libraryPath,
  splitHashtags,
  useLibrary,
  type LibraryItem,
  type LibraryItemBody,
  type LibraryKind,
} from "../library/api";
import { MediaPicker } from "../media/MediaPicker";
import { LoadMore } from "../media/LoadMore";
import "../library/library.css";

export function LibraryPage() {
  return <WorkspaceGate>{(workspace) => <Library key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function Library({ workspace }: { workspace: Workspace }) {
  const canEdit = roleAllows(workspace.role, "editor");
  const [q, setQ] = useState("");
  const [kind, setKind] = useState<LibraryKind | "">("");
  const [editing, setEditing] = useState<LibraryItem | "new" | null>(null);
  const list = useLibrary(workspace.id, q, kind);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const searchId = useId();
  const kindId = useId();
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Library</h1>
          <p className="muted">
            Captions, hashtag groups and post templates your team reuses. Insert them from the composer with{" "}
            <strong>Insert from the library</strong>.
          </p>
        </div>
        {canEdit && editing === null && (
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            New library item
          </button>
        )}
      </div>
      {!canEdit && <p className="muted">You can read and use the library; editors and admins change it.</p>}
      {editing !== null && (
        <ItemForm
          key={editing === "new" ? "new" : editing.id}
          workspaceId={workspace.id}
          item={editing === "new" ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      )}
      <div className="library-toolbar" role="search">
        <div className="field">
          <label htmlFor={searchId}>Search the library</label>
          <input id={searchId} type="search" value={q} placeholder="Words in a name, text or hashtag" onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={kindId}>Kind</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as LibraryKind | "")}>
            <option value="">All kinds</option>
            <option value="snippet">Captions and snippets</option>
            <option value="hashtags">Hashtag groups</option>
            <option value="template">Post templates</option>
          </select>
        </div>
      </div>
      {list.isPending && <p className="muted">Loading the library…</p>}
      {list.isError && <p role="alert" className="form-error">Could not load the library: {list.error.message}</p>}
      {list.isSuccess && items.length === 0 && (
        <div className="empty-state">
          {q || kind ? (
            <p>Nothing in the library matches this search.</p>
          ) : (
            <p>
              The library is empty. {canEdit ? "Save a caption, a hashtag group or a whole post template to reuse it." : ""}
            </p>
          )}
        </div>
      )}
      <ul className="library-list" aria-label="Library items">
        {items.map((item) => (
          <li key={item.id}>
            <ItemCard item={item} workspaceId={workspace.id} canEdit={canEdit} onEdit={() => setEditing(item)} />
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

function ItemCard({ item, workspaceId, canEdit, onEdit }: { item: LibraryItem; workspaceId: string; canEdit: boolean; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<void>(libraryPath(workspaceId, item.id), { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["library", workspaceId] }),
  });
  return (
    <article className="library-card" aria-label={item.name}>
      <ItemSummary item={item} />
      <p className="library-meta muted">Updated {new Date(item.updated_at).toLocaleDateString()}</p>
      <div className="actions">
        <Link to={`/compose?template=${item.id}`}>Use in a new post</Link>
        {canEdit && !confirming && (
          <>
            <button type="button" onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </>
        )}
        {confirming && (
          <>
            <span>Delete “{item.name}”?</span>
            <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
              {remove.isPending ? "Deleting…" : "Delete it"}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        )}
      </div>
      {remove.isError && <p role="alert" className="form-error">Could not delete: {remove.error.message}</p>}
    </article>
  );
}

function ItemForm({ workspaceId, item, onDone }: { workspaceId: string; item?: LibraryItem; onDone: () => void }) {
  const queryClient = useQueryClient();
  const networks = useNetworks();
  const ids = useId();
  const [kind, setKind] = useState<LibraryKind>(item?.kind ?? "snippet");
  const [name, setName] = useState(item?.name ?? "");
  const [text, setText] = useState(item?.text ?? "");
  const [hashtags, setHashtags] = useState(item?.hashtags.join(" ") ?? "");
  const [variants, setVariants] = useState<[string, string][]>(Object.entries(item?.variants ?? {}));
  const [mediaIds, setMediaIds] = useState<string[]>(item?.media_ids ?? []);
  const [firstComment, setFirstComment] = useState(item?.first_comment ?? "");
  const [addNetwork, setAddNetwork] = useState("");

  const save = useMutation({
    meta: { toast: false },
    mutationFn: () => {
      const body: LibraryItemBody = {
        name,
        text: kind === "hashtags" ? "" : text,
        hashtags: kind === "snippet" ? [] : splitHashtags(hashtags),
        variants: kind === "template" ? Object.fromEntries(variants) : {},
        media_ids: kind === "template" ? mediaIds : [],
        first_comment: kind === "template" && firstComment.trim() ? firstComment : null,
      };
      return item
        ? api<LibraryItem>(libraryPath(workspaceId, item.id), { method: "PATCH", body: { ...body, version: item.version } })
        : api<LibraryItem>(libraryPath(workspaceId), { method: "POST", body: { ...body, kind } });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["library", workspaceId] });
      onDone();
    },
  });
  const fieldError = (field: string) =>
    save.error instanceof ApiError ? save.error.details.filter((d) => d.field === field || d.field.startsWith(`${field}[`) || d.field.startsWith(`${field}.`)) : [];
  const networkName = (id: string) => networks.data?.find((n) => n.id === id)?.name ?? id;
  const unused = (networks.data ?? []).filter((n) => !variants.some(([id]) => id === n.id));

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <form className="library-form" onSubmit={submit} aria-label={item ? `Edit ${item.name}` : "New library item"} noValidate>
      <h2>{item ? `Edit “${item.name}”` : "New library item"}</h2>
      {!item && (
        <fieldset className="event-picker">
          <legend>Kind</legend>
          {(["snippet", "hashtags", "template"] as LibraryKind[]).map((value) => (
            <label key={value} className="choice">
              <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => setKind(value)} /> {KIND_NAMES[value]}
            </label>
          ))}
        </fieldset>
      )}
      <Field label="Name" name="name" value={name} required error={save.error} maxLength={120} onChange={(e) => setName(e.target.value)} />
      {kind !== "hashtags" && (
        <div className="field">
          <label htmlFor={`${ids}-text`}>{kind === "template" ? "Text for every network" : "Text"}</label>
          <textarea id={`${ids}-text`} rows={4} value={text} onChange={(e) => setText(e.target.value)} />
          {fieldError("text").map((d) => (
            <p key={d.field} className="field-error">{d.message}</p>
          ))}
        </div>
      )}
      {kind !== "snippet" && (
        <div className="field">
          <label htmlFor={`${ids}-tags`}>Hashtags (separated by spaces)</label>
          <input id={`${ids}-tags`} value={hashtags} placeholder="#spring #sale" onChange={(e) => setHashtags(e.target.value)} />
          {fieldError("hashtags").map((d) => (
            <p key={d.field} className="field-error">{d.message}</p>
          ))}
        </div>
      )}
      {kind === "template" && (
        <>
          <fieldset className="event-picker">
            <legend>Own text per network</legend>
            {variants.length === 0 && <p className="muted">Every network gets the text above.</p>}
            <ul className="variant-list">
              {variants.map(([network, value], index) => (
                <li key={network}>
                  <label htmlFor={`${ids}-v-${network}`}>{networkName(network)}</label>
                  <textarea
                    id={`${ids}-v-${network}`}
                    rows={2}
                    value={value}
                    onChange={(e) => setVariants((current) => current.map((v, i) => (i === index ? [network, e.target.value] : v)))}
                  />
                  <button type="button" onClick={() => setVariants((current) => current.filter((_, i) => i !== index))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            {unused.length > 0 && (
              <div className="copy-row">
                <select aria-label="Network for an own text" value={addNetwork} onChange={(e) => setAddNetwork(e.target.value)}>
                  <option value="">Choose a network…</option>
                  {unused.map((n) => (
                    <option key={n.id} value={n.id}>
                      {n.name}
                    </option>
                  ))}
                </select>
                <button
                  type="button"
                  disabled={!addNetwork}
                  onClick={() => {
                    setVariants((current) => [...current, [addNetwork, text]]);
                    setAddNetwork("");
                  }}
                >
                  Add own text
                </button>
              </div>
            )}
            {fieldError("variants").map((d) => (
              <p key={d.field} className="field-error">{d.message}</p>
            ))}
          </fieldset>
          <fieldset className="event-picker">
            <legend>Media</legend>
            <MediaPicker workspaceId={workspaceId} selected={mediaIds} onChange={(next) => setMediaIds(next)} />
          </fieldset>
          <div className="field">
            <label htmlFor={`${ids}-comment`}>First comment (optional)</label>
            <textarea id={`${ids}-comment`} rows={2} value={firstComment} onChange={(e) => setFirstComment(e.target.value)} />
          </div>
        </>
      )}
      <FormError error={save.error} fields={["name", "text", "hashtags"]} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : item ? "Save changes" : "Save to the library"}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
