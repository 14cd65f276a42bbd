import { useId } from "react";
import { Link } from "react-router-dom";
import type { Account } from "../accounts/api";
import { ApiError } from "../api/client";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { FOCUSES, TONES, type Brief } from "./api";
import { ChipsField } from "./ChipsField";
import { FOCUS_LABELS, monthLabel, TONE_LABELS } from "./logic";

const PILLAR_IDEAS = ["Behind the scenes", "Tips", "Products", "Customers", "Team", "Events"];

/** The month's brief: what the posts are for, the tone, the pillars and the accounts. */
export function BriefCard({
  brief,
  onChange,
  accounts,
  error,
  readOnly,
}: {
  brief: Brief;
  onChange: (brief: Brief) => void;
  accounts: Account[];
  error: unknown;
  readOnly: boolean;
}) {
  const ids = { details: useId(), promotion: useId(), promoDetails: useId() };
  const set = <K extends keyof Brief>(key: K, value: Brief[K]) => onChange({ ...brief, [key]: value });
  const fieldError = (name: string) => (error instanceof ApiError ? error.fieldMessage(name) : undefined);
  const unusedIdeas = PILLAR_IDEAS.filter((idea) => !brief.pillars.some((p) => p.toLowerCase() === idea.toLowerCase()));
  return (
    <fieldset className="plan-fieldset" disabled={readOnly}>
      <legend className="visually-hidden">Brief for {monthLabel(brief.month)}</legend>
      <fieldset className="choice-group">
        <legend>Primary focus</legend>
        <div className="pill-options">
          {FOCUSES.map((focus) => (
            <label key={focus} className="pill-option" data-checked={brief.focus === focus || undefined}>
              <input type="radio" name="focus" value={focus} checked={brief.focus === focus} onChange={() => set("focus", focus)} />
              <span>{FOCUS_LABELS[focus]}</span>
            </label>
          ))}
        </div>
        {fieldError("focus") && <p className="field-error">{fieldError("focus")}</p>}
      </fieldset>
      <div className="field">
        <label htmlFor={ids.details}>In a sentence (optional)</label>
        <input
          id={ids.details}
          value={brief.focus_details}
          placeholder="e.g. more weekday lunch orders from offices nearby"
          onChange={(e) => set("focus_details", e.target.value)}
        />
      </div>
      <div className="promotion">
        <label className="switch" htmlFor={ids.promotion}>
          <input
            id={ids.promotion}
            type="checkbox"
            role="switch"
            checked={brief.promotion}
            onChange={(e) => set("promotion", e.target.checked)}
          />
          <span className="switch-track" aria-hidden="true" />
          <span>Run a promotion this month</span>
        </label>
        {brief.promotion && (
          <div className="field">
            <label htmlFor={ids.promoDetails}>The promotion</label>
            <textarea
              id={ids.promoDetails}
              rows={2}
              value={brief.promotion_details}
              placeholder="e.g. 20% off birthday cakes ordered before the 15th"
              aria-invalid={fieldError("promotion_details") ? true : undefined}
              onChange={(e) => set("promotion_details", e.target.value)}
            />
            {fieldError("promotion_details") && <p className="field-error">{fieldError("promotion_details")}</p>}
          </div>
        )}
      </div>
      <fieldset className="choice-group">
        <legend>Tone</legend>
        <div className="segmented-options">
          {TONES.map((tone) => (
            <label key={tone} className="pill-option" data-checked={brief.tone === tone || undefined}>
              <input type="radio" name="tone" value={tone} checked={brief.tone === tone} onChange={() => set("tone", tone)} />
              <span>{TONE_LABELS[tone]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <ChipsField
        label="Content pillars"
        hint="The themes your posts take turns on. Type one and press Enter."
        values={brief.pillars}
        onChange={(pillars) => set("pillars", pillars)}
        placeholder="e.g. Seasonal bakes"
        disabled={readOnly}
      />
      {unusedIdeas.length > 0 && !readOnly && (
        <div className="pillar-ideas">
          <span className="muted">Ideas:</span>
          {unusedIdeas.map((idea) => (
            <button key={idea} type="button" className="chip chip-add" onClick={() => set("pillars", [...brief.pillars, idea])}>
              + {idea}
            </button>
          ))}
        </div>
      )}
      {fieldError("pillars") && <p className="field-error">{fieldError("pillars")}</p>}
      <fieldset className="choice-group">
        <legend>Post to</legend>
        {accounts.length === 0 ? (
          <p className="muted">
            No account is connected yet. <Link to="/accounts">Connect an account</Link> to plan posts for it.
          </p>
        ) : (
          <ul className="account-choices">
            {accounts.map((account) => {
              const checked = brief.account_ids.includes(account.id);
              return (
                <li key={account.id}>
                  <label className="account-choice" data-checked={checked || undefined}>
                    <input
                      type="checkbox"
                      checked={checked}
                      onChange={(e) =>
                        set(
                          "account_ids",
                          e.target.checked ? [...brief.account_ids, account.id] : brief.account_ids.filter((id) => id !== account.id),
                        )
                      }
                    />
                    <NetworkIcon network={account.network} size={20} variant="badge" />
                    <span className="account-choice-name">
                      {account.display_name || account.handle}
                      <span className="muted"> · {networkLabel(account.network)}</span>
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        )}
        {fieldError("account_ids") && <p className="field-error">{fieldError("account_ids")}</p>}
      </fieldset>
    </fieldset>
  );
}
