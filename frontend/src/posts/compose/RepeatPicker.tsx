// "Repeat": never, daily, weekly on chosen weekdays or monthly, every N, ending never, on
// a date or after N times. It hands the composer the RRULE (rrule.ts); a stored rule it
// cannot show is kept as it is until the user replaces it.
import { useId, useState } from "react";
import { describeRepeat, fromRule, NO_REPEAT, toRule, WEEKDAY_NAMES, WEEKDAYS, weekdayOf, type Frequency, type Repeat } from "./rrule";

const UNITS: Record<Exclude<Frequency, "never">, [string, string]> = {
  daily: ["day", "days"],
  weekly: ["week", "weeks"],
  monthly: ["month", "months"],
};

export function RepeatPicker({ rule, onChange, start }: { rule: string; onChange: (rule: string) => void; start: string }) {
  const id = useId();
  const [repeat, setRepeat] = useState<Repeat | null>(() => fromRule(rule));

  function change(next: Repeat) {
    setRepeat(next);
    onChange(toRule(next));
  }

  if (repeat === null) {
    return (
      <div className="repeat-picker">
        <p>
          Repeats by a rule of its own: <code>{rule}</code> (kept as it is).
        </p>
        <button type="button" onClick={() => change(NO_REPEAT)}>
          Replace with a simpler repeat
        </button>
      </div>
    );
  }

  const unit = repeat.frequency === "never" ? null : UNITS[repeat.frequency];
  const firstDay = weekdayOf(start);
  return (
    <fieldset className="repeat-picker">
      <legend>Repeat</legend>
      <div className="repeat-row">
        <label htmlFor={`${id}-freq`}>Repeats</label>
        <select
          id={`${id}-freq`}
          value={repeat.frequency}
          onChange={(event) => {
            const frequency = event.target.value as Frequency;
            const weekdays = frequency === "weekly" && repeat.weekdays.length === 0 && firstDay ? [firstDay] : repeat.weekdays;
            change({ ...repeat, frequency, weekdays });
          }}
        >
          <option value="never">Never</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
          <option value="monthly">Monthly</option>
        </select>
        {unit && (
          <>
            <label htmlFor={`${id}-every`}>every</label>
            <input
              id={`${id}-every`}
              className="narrow-number"
              type="number"
              min={1}
              max={99}
              value={repeat.interval}
              onChange={(event) => change({ ...repeat, interval: Math.max(1, Number(event.target.value) || 1) })}
            />
            <span>{repeat.interval === 1 ? unit[0] : unit[1]}</span>
          </>
        )}
      </div>
      {repeat.frequency === "weekly" && (
        <div className="weekday-picker" role="group" aria-label="On these days">
          {WEEKDAYS.map((day) => (
            <label key={day} className="weekday-chip">
              <input
                type="checkbox"
                checked={repeat.weekdays.includes(day)}
                onChange={() =>
                  change({
                    ...repeat,
                    weekdays: repeat.weekdays.includes(day) ? repeat.weekdays.filter((d) => d !== day) : [...repeat.weekdays, day],
                  })
                }
              />
              <span aria-hidden="true">{WEEKDAY_NAMES[day].slice(0, 3)}</span>
              <span className="visually-hidden">{WEEKDAY_NAMES[day]}</span>
            </label>
          ))}
        </div>
      )}
      {repeat.frequency !== "never" && (
        <div className="repeat-ends" role="radiogroup" aria-label="Ends">
          <span className="repeat-ends-title" aria-hidden="true">
            Ends
          </span>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-ends`}
              checked={repeat.ending.kind === "never"}
              onChange={() => change({ ...repeat, ending: { kind: "never" } })}
            />{" "}
            Never ends
          </label>
          <span className="choice">
            <label>
              <input
                type="radio"
                name={`${id}-ends`}
                checked={repeat.ending.kind === "until"}
                onChange={() => change({ ...repeat, ending: { kind: "until", date: start.slice(0, 10) } })}
              />{" "}
              Ends on
            </label>{" "}
            <input
              type="date"
              aria-label="Last day"
              value={repeat.ending.kind === "until" ? repeat.ending.date : ""}
              min={start.slice(0, 10) || undefined}
              disabled={repeat.ending.kind !== "until"}
              onChange={(event) => change({ ...repeat, ending: { kind: "until", date: event.target.value } })}
            />
          </span>
          <span className="choice">
            <label>
              <input
                type="radio"
                name={`${id}-ends`}
                checked={repeat.ending.kind === "count"}
                onChange={() => change({ ...repeat, ending: { kind: "count", count: 10 } })}
              />{" "}
              Ends after
            </label>{" "}
            <input
              type="number"
              className="narrow-number"
              aria-label="Number of times"
              min={1}
              max={999}
              value={repeat.ending.kind === "count" ? repeat.ending.count : ""}
              disabled={repeat.ending.kind !== "count"}
              onChange={(event) => change({ ...repeat, ending: { kind: "count", count: Math.max(1, Number(event.target.value) || 1) } })}
            />{" "}
            times
          </span>
        </div>
      )}
      <p className="repeat-summary" aria-live="polite">
        {describeRepeat(repeat, start)}
      </p>
    </fieldset>
  );
}
