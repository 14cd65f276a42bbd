import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { roleAllows, type LinkTracking, type Workspace } from "../api/people";
import { Field, FormError } from "../components/Field";
import { showToast } from "../components/Toasts";
import { reloadQuery } from "../queryClient";

const OFF: LinkTracking = { enabled: false, medium: "social", campaign: null };

/** Workspace settings: tag the links of posts with UTM parameters, so the shop's web
 * analytics tell which network sent each visitor. */
export function LinkTrackingSettings({ workspace }: { workspace: Workspace }) {
  const queryClient = useQueryClient();
  const saved = workspace.link_tracking ?? OFF;
  const [enabled, setEnabled] = useState(saved.enabled);
  const [medium, setMedium] = useState(saved.medium);
  const [campaign, setCampaign] = useState(saved.campaign ?? "");
  const canEdit = roleAllows(workspace.role, "admin");
  const exampleId = useId();
  const save = useMutation({
    mutationFn: () =>
      api<Workspace>(`/v1/workspaces/${workspace.id}`, {
        method: "PATCH",
        body: { link_tracking: { enabled, medium, campaign: campaign.trim() || null } },
      }),
    meta: { toast: false }, // the form shows the problem at its field
    onSuccess: async () => {
      await reloadQuery(queryClient, ["me"]);
      showToast(enabled ? "Links of new posts will be tagged." : "Links of new posts go out as written.");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const tags = `utm_source=linkedin&utm_medium=${medium || "social"}${campaign.trim() ? `&utm_campaign=${campaign.trim()}` : ""}`;
  return (
    <section aria-labelledby="link-tracking-title">
      <h2 id="link-tracking-title">Link tracking</h2>
      <p className="muted">
        Add UTM tags to the links in your posts, so your website's analytics show which network each visitor came from. Each network
        gets its own <code>utm_source</code>; links that already carry UTM tags are left alone.
      </p>
      {canEdit ? (
        <form className="stack-form" onSubmit={submit} aria-label="Link tracking">
          <label>
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Tag the links of new posts
          </label>
          <Field label="Medium (utm_medium)" name="link_tracking.medium" value={medium} onChange={(e) => setMedium(e.target.value)} error={save.error} disabled={!enabled} />
          <Field
            label="Campaign (utm_campaign, optional)"
            name="link_tracking.campaign"
            value={campaign}
            placeholder="spring-sale"
            onChange={(e) => setCampaign(e.target.value)}
            error={save.error}
            disabled={!enabled}
          />
          {enabled && (
            <p className="muted" id={exampleId}>
              A link on LinkedIn goes out as <code>https://your-shop.com/page?{tags}</code>
            </p>
          )}
          <FormError error={save.error} fields={["link_tracking.medium", "link_tracking.campaign"]} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Updating…" : "Update link tracking"}
          </button>
        </form>
      ) : (
        <p>{saved.enabled ? `Links are tagged (medium ${saved.medium}${saved.campaign ? `, campaign ${saved.campaign}` : ""}).` : "Links go out as written."}</p>
      )}
    </section>
  );
}
