import { useId } from "react";
import { ApiError } from "../api/client";
import { errorMessage } from "../components/Toasts";
import { DAYS, WINDOWS, type PostingRule } from "./api";
import { DAY_LABELS } from "./logic";

const WINDOW_LABELS: Record<string, string> = {
  morning: "Morning (8–11)",
  afternoon: "Afternoon (12–16)",
  evening: "Evening (17–20)",
};

/** When plan items go out: so many a week, on these days, in this part of the day (in each
 * account's time zone), or at each account's best times. */
export function RulesCard({
  rule,
  onChange,
  onSave,
  saving,
  dirty,
  error,
  readOnly,
}: {
  rule: PostingRule;
  onChange: (rule: PostingRule) => void;
  onSave: () => void;
  saving: boolean;
  /** Whether the rule shown is not the one saved (or none is saved yet). */
  dirty: boolean;
  error: unknown;
  readOnly: boolean;
}) {
  const ids = { perWeek: useId(), window: useId(), best: useId() };
  const change = (next: Partial<PostingRule>) => onChange({ ...rule, ...next });
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const daysError = fieldError("rules[0].days") ?? fieldError("rules.0.days");
  const fewDays = rule.days.length > 0 && rule.per_week > rule.days.length;
  return (
    <form
      className="rules-form"
      aria-label="Posting rules"
      onSubmit={(event) => {
        event.preventDefault();
        onSave();
      }}
    >
      <fieldset className="plan-fieldset" disabled={readOnly}>
        <legend className="visually-hidden">Posting rules</legend>
        <div className="rules-row">
          <div className="field">
            <label htmlFor={ids.perWeek}>Posts a week</label>
            <select id={ids.perWeek} value={rule.per_week} onChange={(e) => change({ per_week: Number(e.target.value) })}>
              {Array.from({ length: 14 }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n === 1 ? "Once a week" : n === 2 ? "Twice a week" : `${n} times a week`}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.window}>Time of day</label>
            <select
              id={ids.window}
              value={rule.window}
              disabled={rule.use_best_times}
              onChange={(e) => change({ window: e.target.value as PostingRule["window"] })}
            >
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  {WINDOW_LABELS[w]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset className="choice-group">
          <legend>Days</legend>
          <div className="day-options">
            {DAYS.map((day) => {
              const checked = rule.days.includes(day);
              return (
                <label key={day} className="day-option" data-checked={checked || undefined}>
                  <input
                    type="checkbox"
                    checked={checked}
                    onChange={(e) =>
                      change({ days: e.target.checked ? DAYS.filter((d) => d === day || rule.days.includes(d)) : rule.days.filter((d) => d !== day) })
                    }
                  />
                  <span>{DAY_LABELS[day]}</span>
                </label>
              );
            })}
          </div>
          {daysError && <p className="field-error">{daysError}</p>}
          {fewDays && <p className="field-hint">Some days will carry more than one post ({rule.per_week} a week on {rule.days.length} days).</p>}
        </fieldset>
        <label className="switch" htmlFor={ids.best}>
          <input id={ids.best} type="checkbox" role="switch" checked={rule.use_best_times} onChange={(e) => change({ use_best_times: e.target.checked })} />
          <span className="switch-track" aria-hidden="true" />
          <span>Use each account's best times (from Analytics)</span>
        </label>
        <p className="field-hint">Times are in each account's own time zone; a slot never lands on a post already scheduled.</p>
        {Boolean(error) && !daysError && (
          <p role="alert" className="form-error">
            {errorMessage(error)}
          </p>
        )}
        {!readOnly && (
          <div className="actions">
            <button type="submit" disabled={saving || !dirty}>
              {saving ? "Saving…" : dirty ? "Save posting rules" : "Posting rules saved"}
            </button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
