// The composer's "Insert from the library": search the library and put a snippet at the
// caret, append a hashtag group, or fill the post from a template.
import { useId, useState } from "react";
import { KIND_NAMES, useLibrary, type LibraryItem, type LibraryKind } from "./api";
import { ItemSummary } from "./ItemSummary";
import "./library.css";

export function LibraryPanel({ workspaceId, onInsert }: { workspaceId: string; onInsert: (item: LibraryItem) => void }) {
  const [open, setOpen] = useState(false);
  const panel = useId();
  return (
    <section className="library-panel" aria-label="Library">
      <button type="button" className="library-toggle" aria-expanded={open} aria-controls={panel} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} Insert from the library
      </button>
      <div id={panel} hidden={!open}>
        {open && <LibraryBrowser workspaceId={workspaceId} onInsert={onInsert} />}
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
