// The composer's "Insert from the library": search the library and put a snippet at the
// caret, append a hashtag group, or fill the post from a template.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { KIND_NAMES, libraryPath, useLibrary, type LibraryItem, type LibraryItemBody, type LibraryKind } from "./api";
import { ItemSummary } from "./ItemSummary";
import "./library.css";

/** What the composer holds, to save as a template. */
export type TemplateContent = Pick<LibraryItemBody, "text" | "variants" | "media_ids" | "first_comment">;

export function LibraryPanel({
  workspaceId,
  onInsert,
  current,
}: {
  workspaceId: string;
  onInsert: (item: LibraryItem) => void;
  current?: () => TemplateContent;
}) {
  const [open, setOpen] = useState(false);
  const panel = useId();
  return (
    <section className="library-panel" aria-label="Library">
      <button type="button" className="library-toggle" aria-expanded={open} aria-controls={panel} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} Insert from the library
      </button>
      <div id={panel} hidden={!open}>
        {open && <LibraryBrowser workspaceId={workspaceId} onInsert={onInsert} />}
        {open && current && <SaveTemplate workspaceId={workspaceId} current={current} />}
      </div>
    </section>
  );
}

const ACTIONS: Record<LibraryKind, string> = {
  snippet: "Insert",
  hashtags: "Add hashtags",
  template: "Use template",
};

function LibraryBrowser({ workspaceId, onInsert }: { workspaceId: string; onInsert: (item: LibraryItem) => void }) {
  const [q, setQ] = useState("");
  const [kind, setKind] = useState<LibraryKind | "">("");
  const [done, setDone] = useState<string | null>(null);
  const list = useLibrary(workspaceId, q, kind);
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const searchId = useId();
  const kindId = useId();
  return (
    <div>
      <div className="library-toolbar" role="search">
        <div className="field">
          <label htmlFor={searchId}>Search the library</label>
          <input id={searchId} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={kindId}>Kind</label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as LibraryKind | "")}>
            <option value="">All kinds</option>
            {(Object.keys(KIND_NAMES) as LibraryKind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_NAMES[k]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.isPending && <p className="muted">Loading the library…</p>}
      {list.isError && <p role="alert" className="form-error">Could not load the library: {list.error.message}</p>}
      {list.isSuccess && items.length === 0 && (
        <p className="muted">{q || kind ? "Nothing matches this search." : "The library is empty: save items on the Library page."}</p>
      )}
      {done && (
        <p role="status" className="notice">
          {done}
        </p>
      )}
      <ul className="library-list" aria-label="Library items to insert">
        {items.map((item) => (
          <li key={item.id}>
            <article className="library-card" aria-label={item.name}>
              <ItemSummary item={item} />
              <div className="actions">
                <button
                  type="button"
                  aria-label={`${ACTIONS[item.kind]} ${item.name}`}
                  onClick={() => {
                    onInsert(item);
                    setDone(`“${item.name}” added to the post.`);
                  }}
                >
                  {ACTIONS[item.kind]}
                </button>
              </div>
            </article>
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}

/** The post being written, saved to the library as a template. */
function SaveTemplate({ workspaceId, current }: { workspaceId: string; current: () => TemplateContent }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const save = useMutation({
    meta: { toast: false },
    mutationFn: () =>
      api<LibraryItem>(libraryPath(workspaceId), { method: "POST", body: { kind: "template", name, hashtags: [], ...current() } }),
    onSuccess: (item) => {
      setName("");
      void queryClient.invalidateQueries({ queryKey: ["library", workspaceId] });
      return item;
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    event.stopPropagation();
    save.mutate();
  }
  const error = save.error instanceof ApiError ? save.error : null;
  return (
    <div className="library-save">
      <div className="field">
        <label htmlFor={`${id}-name`}>Save this post as a template</label>
        <div className="copy-row">
          <input
            id={`${id}-name`}
            value={name}
            maxLength={120}
            placeholder="Template name"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") submit(e as unknown as FormEvent);
            }}
          />
          <button type="button" disabled={save.isPending || !name.trim()} onClick={() => save.mutate()}>
            {save.isPending ? "Saving…" : "Save template"}
          </button>
        </div>
      </div>
      {save.isSuccess && (
        <p role="status" className="notice">
          Saved “{save.data.name}” to the library.
        </p>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error.details[0] ? `${error.details[0].field}: ${error.details[0].message}` : error.message}
        </p>
      )}
    </div>
  );
}
