// The per-account text tabs, as the ARIA tabs pattern has them: one tab stop (the selected
// tab), arrows move and select, Home and End go to the first and last tab.
import { useRef, type KeyboardEvent, type ReactNode } from "react";

export interface TextTab {
  id: string;
  label: ReactNode;
}

export function tabId(base: string, id: string): string {
  return `${base}-tab-${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

export function panelId(base: string): string {
  return `${base}-panel`;
}

export function TextTabs({
  base,
  label,
  tabs,
  selected,
  onSelect,
}: {
  /** The prefix of the tabs' and panel's element ids. */
  base: string;
  label: string;
  tabs: TextTab[];
  selected: string;
  onSelect: (id: string) => void;
}) {
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const current = tabs.some((t) => t.id === selected) ? selected : tabs[0]?.id;

  function keyDown(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = tabs.length - 1;
    const next =
      event.key === "ArrowRight" ? (index === last ? 0 : index + 1)
      : event.key === "ArrowLeft" ? (index === 0 ? last : index - 1)
      : event.key === "Home" ? 0
      : event.key === "End" ? last
      : null;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[next];
    onSelect(tab.id);
    buttons.current.get(tab.id)?.focus();
  }

  return (
    <div className="text-tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => {
        const on = tab.id === current;
        return (
          <button
            key={tab.id}
            ref={(element) => {
              if (element) buttons.current.set(tab.id, element);
              else buttons.current.delete(tab.id);
            }}
            id={tabId(base, tab.id)}
            type="button"
            role="tab"
            aria-selected={on}
            aria-controls={panelId(base)}
            tabIndex={on ? 0 : -1}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(event) => keyDown(event, index)}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}
