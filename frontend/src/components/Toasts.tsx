// One toast system: mutations that fail anywhere in the app show the API's message here.
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "../api/client";
import { X } from "lucide-react";
import "./toasts.css";

export interface Toast {
  id: number;
  message: string;
  /** A confirmation reads calmly; a failure is announced at once and looks like one. */
  tone: "success" | "error";
  /** A link after the message, e.g. to the post just scheduled. */
  link?: { to: string; label: string };
}

type Listener = (toasts: Toast[]) => void;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function publish() {
  for (const listener of listeners) listener(toasts);
}

/** Confirm what was done, e.g. "Post deleted." (with a link to where it went). */
export function showToast(message: string, link?: Toast["link"]): void {
  toasts = [...toasts, { id: nextId++, message, link, tone: "success" }];
  publish();
}

/** Say what failed (with a way on, e.g. to upgrade the plan). */
export function showError(message: string, link?: Toast["link"]): void {
  toasts = [...toasts, { id: nextId++, message, link, tone: "error" }];
  publish();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  publish();
}

/** The API's own words: the first field problem with its field, else the error's message. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const detail = error.details[0];
    return detail ? `${error.message} (${detail.field}: ${detail.message})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Where a failure leads on: a plan limit (402) to the plan, never a dead end. */
export function errorLink(error: unknown): Toast["link"] | undefined {
  return error instanceof ApiError && error.status === 402 ? { to: "/settings/billing", label: "See plans and upgrade" } : undefined;
}

export function Toasts() {
  const [current, setCurrent] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => void listeners.delete(setCurrent);
  }, []);
  useEffect(() => {
    if (current.length === 0) return;
    const oldest = current[0];
    const timer = window.setTimeout(() => dismissToast(oldest.id), 8000);
    return () => window.clearTimeout(timer);
  }, [current]);
  return (
    <div className="toasts" role="region" aria-label="Messages" aria-live="polite">
      {current.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`} role={toast.tone === "error" ? "alert" : "status"}>
          <span>
            {toast.message}
            {toast.link && (
              <>
                {" "}
                <Link to={toast.link.to} onClick={() => dismissToast(toast.id)}>
                  {toast.link.label}
                </Link>
              </>
            )}
          </span>
          <button type="button" className="icon-button toast-close" aria-label="Dismiss message" onClick={() => dismissToast(toast.id)}>
            <X aria-hidden="true" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
