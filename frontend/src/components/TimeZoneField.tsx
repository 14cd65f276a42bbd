// A searchable picker of IANA time zones (the ARIA 1.2 combobox pattern): type part of a
// place ("new y", "paris", "kolk") and choose from the list, which shows each zone's
// current offset from UTC. Only a zone of the list is ever passed to `onChange`; anything
// else is refused with a message (and blocks the form's submit) until corrected.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { ApiError } from "../api/client";
import { timeZoneNames } from "../api/people";
import { utcOffsetLabel } from "../time/zoned";
import "./timezone.css";

// Browsers list some zones by names the tz database has since replaced (ICU keeps CLDR's):
// the picker offers the current ones, which the server knows too, and finds them by both.
const CURRENT_NAMES: Record<string, string> = {
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Asia/Rangoon": "Asia/Yangon",
  "Europe/Kiev": "Europe/Kyiv",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Pacific/Truk": "Pacific/Chuuk",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Godthab": "America/Nuuk",
  "Pacific/Enderbury": "Pacific/Kanton",
  "America/Coral_Harbour": "America/Atikokan",
  "Africa/Asmera": "Africa/Asmara",
};
const FORMER_NAMES = Object.fromEntries(Object.entries(CURRENT_NAMES).map(([old, now]) => [now, old]));

/** Every zone the browser knows, by its current IANA name, sorted. */
export function pickableZones(names: string[] = timeZoneNames()): string[] {
  return [...new Set(names.map((name) => CURRENT_NAMES[name] ?? name))].sort((a, b) => (a === "UTC" ? -1 : b === "UTC" ? 1 : a.localeCompare(b)));
}

/** How a zone name is matched: lower case, "_" and "/" as spaces ("america new york"). */
function searchable(text: string): string {
  return text.toLowerCase().replace(/[_/]+/g, " ").replace(/\s+/g, " ").trim();
}

/** The zones matching `query`, best first: those whose place starts with it, then the rest. */
export function filterZones(zones: string[], query: string): string[] {
  const wanted = searchable(query);
  if (!wanted) return zones;
  const place = (zone: string) => searchable(zone.slice(zone.lastIndexOf("/") + 1));
  const matching = zones.filter(
    (zone) => searchable(zone).includes(wanted) || (FORMER_NAMES[zone] && searchable(FORMER_NAMES[zone]).includes(wanted)),
  );
  const first = matching.filter((zone) => place(zone).startsWith(wanted));
  return [...first, ...matching.filter((zone) => !place(zone).startsWith(wanted))];
}

/** The zone of the list `text` names (any case, spaces for "_"), or null. */
export function zoneNamed(zones: string[], text: string): string | null {
  const wanted = searchable(text);
  const zone = zones.find((name) => searchable(name) === wanted || (FORMER_NAMES[name] && searchable(FORMER_NAMES[name]) === wanted));
  return zone ?? null;
}

export function TimeZoneField({
  value,
  onChange,
  error,
  label = "Time zone",
}: {
  value: string;
  onChange: (tz: string) => void;
  error?: unknown;
  label?: string;
}) {
  const id = useId();
  const listId = `${id}-zones`;
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const zones = useMemo(() => pickableZones(), []);
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [problem, setProblem] = useState<string | null>(null);
  // Whether the list is filtered by what was typed (not when it was opened on a chosen zone).
  const [filtering, setFiltering] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  // A value set from outside (a loaded workspace, another account) shows as typed text.
  useEffect(() => {
    setText((typed) => (zoneNamed([value], typed) ? typed : value));
    setProblem(null);
  }, [value]);

  const shown = useMemo(() => (open ? filterZones(zones, filtering ? text : "") : []), [open, zones, text, filtering]);
  const serverMessage = error instanceof ApiError ? error.fieldMessage("timezone") : undefined;
  const message = problem ?? serverMessage;

  useEffect(() => {
    input.current?.setCustomValidity(problem ?? "");
  }, [problem]);

  useEffect(() => {
    if (active < 0 || !list.current) return;
    const option = list.current.querySelector<HTMLElement>(`[data-index="${active}"]`);
    option?.scrollIntoView?.({ block: "nearest" });
  }, [active]);

  function choose(zone: string) {
    setText(zone);
    setProblem(null);
    setFiltering(false);
    setOpen(false);
    setActive(-1);
    if (zone !== value) onChange(zone);
  }

  /** The whole list, open on the zone chosen so far. */
  function openList() {
    setFiltering(false);
    setOpen(true);
    setActive(Math.max(0, zones.indexOf(value)));
  }

  /** Leaving the field: a zone typed in full is taken, anything else refused. */
  function settle() {
    setOpen(false);
    setActive(-1);
    const named = text.trim() === value && value ? value : zoneNamed(zones, text);
    if (named) {
      choose(named);
    } else if (text.trim() === "") {
      setProblem("Choose a time zone, such as America/New_York.");
    } else {
      setProblem(`“${text.trim()}” is not a time zone. Type a city or region and choose from the list, such as America/New_York.`);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const last = shown.length - 1;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.min(last, i + 1));
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!open) openList();
        else setActive((i) => Math.max(0, i - 1));
        break;
      case "PageDown":
        if (open) {
          event.preventDefault();
          setActive((i) => Math.min(last, i + 10));
        }
        break;
      case "PageUp":
        if (open) {
          event.preventDefault();
          setActive((i) => Math.max(0, i - 10));
        }
        break;
      case "Enter":
        if (open && active >= 0 && shown[active]) {
          event.preventDefault();
          choose(shown[active]);
        } else if (open || !zoneNamed(zones, text)) {
          event.preventDefault(); // never submit the form with a half-typed zone
          settle();
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          setOpen(false);
          setActive(-1);
        } else if (text !== value) {
          event.preventDefault();
          setText(value);
          setProblem(null);
        }
        break;
    }
  }

  const typed = zoneNamed(zones, text);
  const activeId = open && active >= 0 && shown[active] ? `${id}-option-${active}` : undefined;
  const describedBy = [hintId, message ? messageId : null].filter(Boolean).join(" ");

  return (
    <div className="field tz-field">
      <label htmlFor={id}>{label}</label>
      <div className="tz-combobox">
        <input
          ref={input}
          id={id}
          name="timezone"
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy}
          autoComplete="off"
          spellCheck={false}
          required
          value={text}
          onChange={(e) => {
            const typed = e.target.value;
            setText(typed);
            setProblem(null);
            setFiltering(true);
            // A zone typed in full is taken at once; the list closes when it is the only match.
            const named = zoneNamed(zones, typed);
            const matches = filterZones(zones, typed);
            setOpen(!(named && matches.length === 1));
            setActive(typed.trim() ? 0 : -1);
            if (named && named !== value) onChange(named);
          }}
          onFocus={(e) => e.target.select()}
          onClick={() => !open && openList()}
          onBlur={settle}
          onKeyDown={onKeyDown}
        />
        {typed && (
          <span className="tz-offset" aria-hidden="true">
            {utcOffsetLabel(typed)}
          </span>
        )}
        <ul ref={list} id={listId} role="listbox" aria-label="Matching zones" className="tz-list" hidden={!open || shown.length === 0}>
          {shown.map((zone, index) => (
            <li
              key={zone}
              id={`${id}-option-${index}`}
              data-index={index}
              role="option"
              aria-selected={index === active}
              className={zone === value ? "tz-option current" : "tz-option"}
              // Keep the focus in the input: the choice is made before its blur.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(zone)}
            >
              <span className="tz-name">{zone.replace(/_/g, " ")}</span>
              <span className="tz-option-offset">{utcOffsetLabel(zone)}</span>
            </li>
          ))}
        </ul>
      </div>
      <p id={hintId} className={open && shown.length === 0 ? "tz-hint muted" : "tz-hint visually-hidden"}>
        {open && shown.length === 0
          ? "No time zone matches; try a city such as Chicago or Paris."
          : "Type a city or region, then choose with the arrow keys and Enter."}
      </p>
      {message && (
        <p className="field-error" id={messageId} role="alert">
          {message}
        </p>
      )}
    </div>
  );
}
