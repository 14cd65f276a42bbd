// A post's client review links: make one (for how long, for whom), copy it, revoke it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { FormError } from "../components/Field";
import { reviewLinksPath, type ReviewLink } from "./reviewLinks";
import "./approvals.css";

const STATUS_WORDS: Record<ReviewLink["status"], string> = { active: "Active", expired: "Expired", revoked: "Revoked" };

export function ReviewLinks({ workspaceId, postId }: { workspaceId: string; postId: string }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const key = ["review-links", workspaceId, postId];
  const links = useQuery({ queryKey: key, queryFn: () => api<{ items: ReviewLink[] }>(reviewLinksPath(workspaceId, postId)) });
  const [label, setLabel] = useState("");
  const [days, setDays] = useState("7");
  const [copied, setCopied] = useState<string | null>(null);
  const create = useMutation({
    meta: { toast: false },
    mutationFn: () =>
      api<ReviewLink>(reviewLinksPath(workspaceId, postId), {
        method: "POST",
        body: { label: label.trim() || null, expires_in_days: Number(days) },
      }),
    onSuccess: () => {
      setLabel("");
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) => api<void>(reviewLinksPath(workspaceId, postId, linkId), { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  async function copy(link: ReviewLink) {
    try {
      await navigator.clipboard.writeText(link.url);
      setCopied(link.id);
    } catch {
      setCopied(null);
    }
  }
  return (
    <section className="review-links" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Client review links</h2>
      <p className="muted">
        Someone without an account opens the link, sees this post as each network will show it, and approves it or asks
        for changes. The link shows nothing else, stops at its expiry and can be revoked at any time.
      </p>
      <form className="inline-form" onSubmit={submit} aria-label="New review link">
        <div className="field">
          <label htmlFor={`${ids}-label`}>For (optional)</label>
          <input id={`${ids}-label`} value={label} maxLength={80} placeholder="Acme's marketing team" onChange={(e) => setLabel(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-days`}>Works for</label>
          <select id={`${ids}-days`} value={days} onChange={(e) => setDays(e.target.value)}>
            <option value="1">1 day</option>
            <option value="3">3 days</option>
            <option value="7">7 days</option>
            <option value="14">14 days</option>
            <option value="30">30 days</option>
          </select>
        </div>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create a review link"}
        </button>
      </form>
      <FormError error={create.error} fields={[]} />
      {links.isError && <p role="alert" className="form-error">Could not load the links: {links.error.message}</p>}
      {links.data && links.data.items.length > 0 && (
        <ul aria-label="Review links">
          {links.data.items.map((link) => (
            <li key={link.id}>
              <div className="copy-row">
                <input aria-label={`Review link${link.label ? ` for ${link.label}` : ""}`} readOnly value={link.url} onFocus={(e) => e.target.select()} />
                {link.status === "active" && (
                  <>
                    <button type="button" onClick={() => void copy(link)}>
                      {copied === link.id ? "Copied" : "Copy"}
                    </button>
                    <button type="button" className="danger" disabled={revoke.isPending} onClick={() => revoke.mutate(link.id)}>
                      Revoke
                    </button>
                  </>
                )}
              </div>
              <p className="link-meta muted">
                <span className={`badge badge-${link.status === "active" ? "connected" : "disconnected"}`}>{STATUS_WORDS[link.status]}</span>{" "}
                {link.label ? `for ${link.label} · ` : ""}
                {link.status === "revoked" && link.revoked_at
                  ? `revoked ${new Date(link.revoked_at).toLocaleString()}`
                  : `until ${new Date(link.expires_at).toLocaleString()}`}
                {link.last_opened_at ? ` · last opened ${new Date(link.last_opened_at).toLocaleString()}` : " · not opened yet"}
                {link.decisions > 0 ? ` · ${link.decisions} decision${link.decisions > 1 ? "s" : ""}` : ""}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
