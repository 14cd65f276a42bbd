// "Insert emoji": a small searchable grid in a popover. Keyboard: the search box first
// (Enter takes the first match, Down goes to the grid), arrows move in the grid, Enter or
// Space inserts, Escape closes and gives focus back to the button.
import { Smile } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { EMOJI_GROUPS, searchEmoji, type Emoji } from "./emoji";

export function EmojiPicker({ onPick, disabled }: { onPick: (emoji: string) => void; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const popover = useId();
  const trigger = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);

  const groups = useMemo(
    () => (query.trim() ? [{ name: "Results", items: searchEmoji(query) }] : EMOJI_GROUPS),
    [query],
  );
  const flat: Emoji[] = useMemo(() => groups.flatMap((g) => g.items), [groups]);

  useEffect(() => {
    if (!open) return;
    search.current?.focus();
    const away = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [open]);

  useEffect(() => setActive(0), [query]);

  function close(refocus = true) {
    setOpen(false);
    setQuery("");
    if (refocus) trigger.current?.focus();
  }

  function pick(emoji: Emoji) {
    close(false);
    onPick(emoji.char);
  }

  const cells = () => [...(grid.current?.querySelectorAll<HTMLButtonElement>("button[data-emoji]") ?? [])];

  function focusCell(index: number) {
    const all = cells();
    if (all.length === 0) return;
    const target = Math.max(0, Math.min(all.length - 1, index));
    setActive(target);
    all[target].focus();
  }

  /** The nearest cell in the row above or below, by where the cells are on screen. */
  function vertical(from: number, down: boolean): number {
    const all = cells();
    const here = all[from]?.getBoundingClientRect();
    if (!here) return from;
    let best = from;
    let bestRow = Infinity;
    let bestDx = Infinity;
    all.forEach((cell, index) => {
      const box = cell.getBoundingClientRect();
      const dy = down ? box.top - here.top : here.top - box.top;
      if (dy <= 1) return;
      const dx = Math.abs(box.left - here.left);
      if (dy < bestRow - 1 || (Math.abs(dy - bestRow) <= 1 && dx < bestDx)) {
        best = index;
        bestRow = dy;
        bestDx = dx;
      }
    });
    return best;
  }

  function gridKey(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const moves: Record<string, () => number> = {
      ArrowRight: () => index + 1,
      ArrowLeft: () => index - 1,
      ArrowDown: () => vertical(index, true),
      ArrowUp: () => (vertical(index, false) === index ? -1 : vertical(index, false)),
      Home: () => 0,
      End: () => flat.length - 1,
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const next = move();
    if (next < 0) search.current?.focus();
    else focusCell(next);
  }

  function searchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      focusCell(0);
    } else if (event.key === "Enter") {
      event.preventDefault(); // not the form's submit
      if (flat[0]) pick(flat[0]);
    }
  }

  let index = -1;
  return (
    <div
      className="emoji-picker"
      ref={root}
      onBlur={(event) => {
        // Tabbing out of the popover closes it, as leaving a menu does.
        const next = event.relatedTarget as Node | null;
        if (open && next && root.current && !root.current.contains(next)) close(false);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={trigger}
        type="button"
        className="tool-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? popover : undefined}
        disabled={disabled}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <Smile size={16} aria-hidden="true" /> Emoji
      </button>
      {open && (
        <div className="emoji-popover" id={popover} role="dialog" aria-label="Insert an emoji">
          <input
            ref={search}
            type="search"
            aria-label="Search emoji"
            placeholder="Search emoji (rocket, heart, sale…)"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={searchKey}
          />
          <div ref={grid} className="emoji-groups">
            {flat.length === 0 && <p className="muted">No emoji for “{query}”.</p>}
            {groups.map((group) =>
              group.items.length === 0 ? null : (
                <div key={group.name} role="group" aria-label={group.name}>
                  {!query.trim() && (
                    <p className="emoji-group-name" aria-hidden="true">
                      {group.name}
                    </p>
                  )}
                  <div className="emoji-grid">
                    {group.items.map((emoji) => {
                      index += 1;
                      const mine = index;
                      return (
                        <button
                          key={emoji.char}
                          type="button"
                          data-emoji={emoji.char}
                          aria-label={emoji.name}
                          title={emoji.name}
                          tabIndex={mine === active ? 0 : -1}
                          onClick={() => pick(emoji)}
                          onFocus={() => setActive(mine)}
                          onKeyDown={(event) => gridKey(event, mine)}
                        >
                          {emoji.char}
                        </button>
                      );
                    })}
                  </div>
                </div>
              ),
            )}
          </div>
        </div>
      )}
    </div>
  );
}
