import { useId } from "react";
import { ApiError } from "../api/client";
import { timeZoneNames } from "../api/people";

/** A text input with the browser's IANA time zones suggested; the server validates. */
export function TimeZoneField({ value, onChange, error }: { value: string; onChange: (tz: string) => void; error?: unknown }) {
  const id = useId();
  const message = error instanceof ApiError ? error.fieldMessage("timezone") : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>Time zone</label>
      <input id={id} name="timezone" list={`${id}-zones`} value={value} onChange={(e) => onChange(e.target.value)} required aria-invalid={message ? true : undefined} />
      <datalist id={`${id}-zones`}>
        {timeZoneNames().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {message && <p className="field-error">{message}</p>}
    </div>
  );
}
