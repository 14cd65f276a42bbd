import { X } from "lucide-react";
import { useId, useState } from "react";
import { addChips } from "./logic";

/**
 * Words as removable chips: typed into the field and added with Enter or a comma (or when
 * the field is left), each removed with its × (Backspace in an empty field removes the last).
 */
export function ChipsField({
  label,
  hint,
  values,
  onChange,
  placeholder,
  disabled,
}: {
  label: string;
  hint?: string;
  values: string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const [typed, setTyped] = useState("");
  const commit = () => {
    if (!typed.trim()) return;
    onChange(addChips(values, typed));
    setTyped("");
  };
  return (
    <div className="field chips-field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="chips-box">
        {values.length > 0 && (
          <ul className="chips" aria-label={label}>
            {values.map((value) => (
              <li key={value} className="chip">
                <span>{value}</span>
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove ${value}`}
                  disabled={disabled}
                  onClick={() => onChange(values.filter((v) => v !== value))}
                >
                  <X aria-hidden="true" size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={id}
          value={typed}
          placeholder={placeholder}
          disabled={disabled}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(event) => {
            const value = event.target.value;
            if (value.includes(",")) {
              onChange(addChips(values, value));
              setTyped("");
            } else setTyped(value);
          }}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              commit();
            } else if (event.key === "Backspace" && !typed && values.length > 0) {
              onChange(values.slice(0, -1));
            }
          }}
          onBlur={commit}
        />
      </div>
    </div>
  );
}
