import { useId, type InputHTMLAttributes, type ReactNode } from "react";
import { ApiError } from "../api/client";

/** A labelled input with the server's message for its field shown beneath it. */
export function Field({
  label,
  name,
  error,
  children,
  ...input
}: { label: string; name: string; error?: unknown; children?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const message = error instanceof ApiError ? error.fieldMessage(name) : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children ?? (
        <input
          id={id}
          name={name}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-error` : undefined}
          {...input}
        />
      )}
      {message && (
        <p className="field-error" id={`${id}-error`}>
          {message}
        </p>
      )}
    </div>
  );
}

/** The error of a form as a whole, unless every problem is shown at its field. */
export function FormError({ error, fields }: { error: unknown; fields: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    const atFields = error.details.length > 0 && error.details.every((d) => fields.includes(d.field));
    if (atFields) return null;
    return <p role="alert" className="form-error">{error.message}</p>;
  }
  return <p role="alert" className="form-error">Something went wrong: {String(error)}</p>;
}
