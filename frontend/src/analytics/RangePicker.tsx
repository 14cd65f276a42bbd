// The date range: presets as one row of choices, a custom range with two dates (checked
// before it is asked for), and whether to compare with the period before.
import { useEffect, useId, useState, type FormEvent } from "react";
import { PRESETS, rangeLabel, rangeProblem, type DateRange, type PresetId } from "./ranges";

export function RangePicker({
  preset,
  range,
  previous,
  compare,
  onPreset,
  onCustom,
  onCompare,
}: {
  preset: PresetId;
  range: DateRange;
  previous: DateRange;
  compare: boolean;
  onPreset: (preset: Exclude<PresetId, "custom">) => void;
  onCustom: (range: DateRange) => void;
  onCompare: (compare: boolean) => void;
}) {
  const id = useId();
  const [custom, setCustom] = useState(preset === "custom");
  const [draft, setDraft] = useState<DateRange>(range);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setDraft(range), [range.from, range.to]);
  useEffect(() => setCustom(preset === "custom"), [preset]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const found = rangeProblem(draft);
    setProblem(found);
    if (!found) onCustom(draft);
  }

  const chosen = custom ? "custom" : preset;
  return (
    <div className="range-picker">
      <fieldset className="range-presets">
        <legend className="visually-hidden">Date range</legend>
        {PRESETS.map((p) => (
          <label key={p.id} className="range-preset" data-checked={chosen === p.id || undefined}>
            <input
              type="radio"
              name={`${id}-range`}
              value={p.id}
              checked={chosen === p.id}
              onChange={() => {
                if (p.id === "custom") {
                  setCustom(true);
                  return;
                }
                setCustom(false);
                setProblem(null);
                onPreset(p.id);
              }}
            />
            <span>{p.label}</span>
          </label>
        ))}
      </fieldset>
      {custom && (
        <form className="range-custom" onSubmit={apply} aria-label="Custom dates" noValidate>
          <div className="field">
            <label htmlFor={`${id}-from`}>From</label>
            <input
              id={`${id}-from`}
              type="date"
              value={draft.from}
              max={draft.to || undefined}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>To</label>
            <input
              id={`${id}-to`}
              type="date"
              value={draft.to}
              min={draft.from || undefined}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          <button type="submit" className="primary">
            Show these dates
          </button>
          {problem && (
            <p className="field-error range-problem" id={`${id}-problem`} role="alert">
              {problem}
            </p>
          )}
        </form>
      )}
      <label className="range-compare">
        <input type="checkbox" checked={compare} onChange={(e) => onCompare(e.target.checked)} /> Compare with the previous period
        <span className="muted"> ({rangeLabel(previous)})</span>
      </label>
    </div>
  );
}
