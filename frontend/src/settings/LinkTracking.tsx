import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { roleAllows, type LinkTracking, type Workspace } from "../api/people";
import { Field, FormError } from "../components/Field";
import { showToast } from "../components/Toasts";
import { reloadQuery } from "../queryClient";
import "../posts/shortLinks.css";

const OFF: LinkTracking = { enabled: false, medium: "social", campaign: null, shorten: false };

/** Workspace settings: tag the links of posts with UTM parameters, so the shop's web
 * analytics tell which network sent each visitor, and shorten them to links of the
 * workspace's own that count their clicks. */
export function LinkTrackingSettings({ workspace }: { workspace: Workspace }) {
  const queryClient = useQueryClient();
  const saved = workspace.link_tracking ?? OFF;
  const [enabled, setEnabled] = useState(saved.enabled);
  const [medium, setMedium] = useState(saved.medium);
  const [campaign, setCampaign] = useState(saved.campaign ?? "");
  const [shorten, setShorten] = useState(Boolean(saved.shorten));
  const canEdit = roleAllows(workspace.role, "admin");
  const exampleId = useId();
  const save = useMutation({
    mutationFn: () =>
      api<Workspace>(`/v1/workspaces/${workspace.id}`, {
        method: "PATCH",
        body: { link_tracking: { enabled, medium, campaign: campaign.trim() || null, shorten } },
      }),
    meta: { toast: false }, // the form shows the problem at its field
    onSuccess: async () => {
      await reloadQuery(queryClient, ["me"]);
      showToast(
        enabled && shorten
          ? "Links of new posts will be tagged and shortened."
          : enabled
            ? "Links of new posts will be tagged."
            : shorten
              ? "Links of new posts will be shortened."
              : "Links of new posts go out as written.",
      );
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const tags = `utm_source=linkedin&utm_medium=${medium || "social"}${campaign.trim() ? `&utm_campaign=${campaign.trim()}` : ""}`;
  const longLink = `https://your-shop.com/page${enabled ? `?${tags}` : ""}`;
  const shortLink = `${workspace.short_link_base ?? ""}/Ab12Cd34`;
  return (
    <section aria-labelledby="link-tracking-title">
      <h2 id="link-tracking-title">Link tracking</h2>
      <p className="muted">
        Add UTM tags to the links in your posts, so your website's analytics show which network each visitor came from. Each network
        gets its own <code>utm_source</code>; links that already carry UTM tags are left alone. Short links lead to the same pages and
        count each click, per network, on the post's page.
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
          <label>
            <input type="checkbox" checked={shorten} onChange={(e) => setShorten(e.target.checked)} /> Shorten links and count their clicks
          </label>
          {(enabled || shorten) && (
            <p className="muted link-example" id={exampleId}>
              A link on LinkedIn goes out as{" "}
              {shorten ? (
                <>
                  <code>{shortLink}</code>, which leads to <code>{longLink}</code>
                </>
              ) : (
                <code>{longLink}</code>
              )}
              . The composer counts each text with its links this way.
            </p>
          )}
          <FormError error={save.error} fields={["link_tracking.medium", "link_tracking.campaign"]} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Updating…" : "Update link tracking"}
          </button>
        </form>
      ) : (
        <p>
          {saved.enabled ? `Links are tagged (medium ${saved.medium}${saved.campaign ? `, campaign ${saved.campaign}` : ""}).` : "Links are not tagged."}{" "}
          {saved.shorten ? "Links are shortened and their clicks counted." : ""}
        </p>
      )}
    </section>
  );
}
