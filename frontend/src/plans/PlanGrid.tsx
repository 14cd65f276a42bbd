import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CalendarCheck, Check, ImageIcon, PenLine, RefreshCw, Sparkles, Trash2 } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { Link } from "react-router-dom";
import type { Account } from "../accounts/api";
import { api, ApiError } from "../api/client";
import { useNetworks } from "../api/networks";
import { plural } from "../dashboard/checklist";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { errorLink, errorMessage, showError, showToast } from "../components/Toasts";
import type { Media } from "../media/api";
import { counter } from "../posts/counting";
import { clockLabel, sameZone, wallParts } from "../posts/dates";
import { PostPreview } from "../posts/PostPreview";
import { approve, deletePlan, keys, patchItem, regenerateItem, type ItemCaption, type Plan, type PlanItem } from "./api";
import { applyAnswer, captionText, dayLabel, fullness, itemsByDay, monthLabel, planCounts, writerName } from "./logic";

/** The month's items as cards in date order, each with its networks' counts, and the
 * approvals: one at a time or all at once. */
export function PlanGrid({
  workspaceId,
  timeZone,
  plan,
  accounts,
  readOnly,
}: {
  workspaceId: string;
  timeZone: string;
  plan: Plan;
  accounts: Account[];
  readOnly: boolean;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const counts = planCounts(plan);
  const update = (answer: Plan | PlanItem) =>
    queryClient.setQueryData<Plan>(keys.plan(workspaceId, plan.plan_id), (old) => applyAnswer(old ?? plan, answer));
  const approveAll = useMutation({
    mutationFn: () => approve(workspaceId, plan.plan_id),
    onSuccess: (answer) => {
      update(answer);
      void queryClient.invalidateQueries({ queryKey: ["posts"] });
      showToast(`${plural(counts.drafts, "post")} approved.`, { to: calendarLink(plan, timeZone), label: "See the calendar" });
    },
    onError: (error) => showError(errorMessage(error), errorLink(error)),
  });
  const remove = useMutation({
    mutationFn: () => deletePlan(workspaceId, plan.plan_id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.plan(workspaceId, plan.plan_id) });
      void queryClient.invalidateQueries({ queryKey: keys.plans(workspaceId, plan.month) });
      void queryClient.invalidateQueries({ queryKey: ["posts"] });
      showToast("Plan deleted.");
    },
    onError: (error) => showError(errorMessage(error), errorLink(error)),
  });
  function askToDelete() {
    const kept = counts.scheduled + counts.waiting;
    const question =
      `Delete this plan? Its ${plural(counts.drafts, "draft")} ${counts.drafts === 1 ? "is" : "are"} deleted with it` +
      (kept ? `; the ${plural(kept, kept === counts.scheduled ? "scheduled post" : "approved post")} ${kept === 1 ? "stays" : "stay"} on the calendar.` : ".");
    if (window.confirm(question)) remove.mutate();
  }
  const sorted = itemsByDay(plan.items, timeZone).flatMap((day) => day.items);

  return (
    <section className="plan-grid" aria-labelledby="plan-grid-title">
      <header className="plan-grid-head">
        <div>
          <h2 id="plan-grid-title">
            {plural(counts.total, "post")} for {monthLabel(plan.month)}
          </h2>
          <p className="muted">
            <Sparkles aria-hidden="true" size={14} /> Written by {writerName(plan.writer)} ·{" "}
            <span data-testid="plan-counts">
              {counts.drafts} to approve{counts.waiting > 0 ? ` · ${counts.waiting} waiting for approvers` : ""} · {counts.scheduled} scheduled
            </span>
            {zoneNote(plan, timeZone)}
          </p>
        </div>
        <div className="plan-grid-actions">
          {counts.scheduled + counts.waiting > 0 && (
            <Link className="button-link" to={calendarLink(plan, timeZone)}>
              <CalendarCheck aria-hidden="true" size={16} /> See on the calendar
            </Link>
          )}
          {!readOnly && plan.status !== "generating" && (
            <button type="button" disabled={remove.isPending} onClick={askToDelete}>
              <Trash2 aria-hidden="true" size={16} /> {remove.isPending ? "Deleting…" : "Delete plan"}
            </button>
          )}
          {!readOnly && counts.drafts > 0 && (
            <button type="button" className="primary" disabled={approveAll.isPending} onClick={() => approveAll.mutate()}>
              <Check aria-hidden="true" size={16} />
              {approveAll.isPending ? "Approving…" : `Approve all ${counts.drafts}`}
            </button>
          )}
        </div>
      </header>
      {counts.total > 0 && counts.scheduled === counts.total && (
        <p className="plan-done" role="status">
          <CalendarCheck aria-hidden="true" size={18} /> Every post of {monthLabel(plan.month)} is scheduled.
        </p>
      )}
      <ul className="plan-items">
        {sorted.map((item) => (
          <ItemCard
            key={item.item_id}
            workspaceId={workspaceId}
            timeZone={timeZone}
            planId={plan.plan_id}
            item={item}
            accounts={accounts}
            readOnly={readOnly}
            open={open === item.item_id}
            onToggle={() => setOpen(open === item.item_id ? null : item.item_id)}
            onAnswer={update}
          />
        ))}
      </ul>
    </section>
  );
}

/** " · times in Europe/London" when an item's zone is not the page's. */
function zoneNote(plan: Plan, timeZone: string): string {
  const zones = [...new Set(plan.items.map((i) => i.timezone || plan.timezone || timeZone))];
  if (zones.length === 1 && sameZone(zones[0], timeZone)) return "";
  return ` · times in ${zones.map((z) => z.replace(/_/g, " ")).join(", ")}`;
}

/** The calendar's month view at the plan's first scheduled day (else the month's first). */
function calendarLink(plan: Plan, timeZone: string): string {
  const first = plan.items
    .filter((i) => i.slot && i.status !== "draft")
    .map((i) => wallParts(i.slot!, timeZone).day)
    .sort()[0];
  return `/calendar?view=month&date=${first ?? `${plan.month}-01`}`;
}

const STATUS_LABELS: Record<PlanItem["status"], string> = {
  draft: "Draft",
  approved: "Waiting for approval",
  scheduled: "Scheduled",
};

function ItemCard({
  workspaceId,
  timeZone,
  planId,
  item,
  accounts,
  readOnly,
  open,
  onToggle,
  onAnswer,
}: {
  workspaceId: string;
  timeZone: string;
  planId: string;
  item: PlanItem;
  accounts: Account[];
  readOnly: boolean;
  open: boolean;
  onToggle: () => void;
  onAnswer: (answer: Plan | PlanItem) => void;
}) {
  const titleId = useId();
  const editorId = useId();
  const queryClient = useQueryClient();
  const zone = item.timezone || timeZone;
  const wall = item.slot ? wallParts(item.slot, zone) : null;
  const approveOne = useMutation({
    mutationFn: () => approve(workspaceId, planId, [item.item_id]),
    onSuccess: (answer) => {
      onAnswer(answer);
      void queryClient.invalidateQueries({ queryKey: ["posts"] });
      showToast(`“${item.title}” approved.`);
    },
    onError: (error) => showError(errorMessage(error), errorLink(error)),
  });
  const draft = item.status === "draft";
  return (
    <li className="plan-item" data-status={item.status} data-open={open || undefined}>
      <article className="plan-card" aria-labelledby={titleId}>
        <ItemImage workspaceId={workspaceId} item={item} />
        <div className="plan-card-body">
          <p className="plan-when">
            {wall ? (
              <time dateTime={item.slot!}>
                {dayLabel(wall.day)} · {clockLabel(wall.hour, wall.minute)}
              </time>
            ) : (
              <span>No slot yet</span>
            )}
          </p>
          <h3 id={titleId} className="plan-title">
            {item.title}
          </h3>
          <p className="plan-tags">
            <span className={`kind-badge kind-${item.kind}`}>{item.kind === "promo" ? "Promotion" : "Post"}</span>
            {item.pillar && <span className="pillar-tag">{item.pillar}</span>}
          </p>
          <ul className="plan-networks" aria-label="Captions">
            {item.captions.map((caption) => (
              <CaptionMeter key={caption.account_id} caption={caption} />
            ))}
          </ul>
          <div className="plan-card-foot">
            <span className={`status-badge status-${item.status}`}>{STATUS_LABELS[item.status]}</span>
            {!draft && wall && (
              <Link to={`/calendar?view=day&date=${wall.day}`} aria-label={`${item.title} on the calendar`}>
                On the calendar
              </Link>
            )}
            {!draft && item.post_id && (
              <Link to={`/posts/${item.post_id}`} aria-label={`Open the post “${item.title}”`}>
                Post
              </Link>
            )}
          </div>
          {item.problem && (
            <p className="plan-problem" role="note">
              {item.problem}
            </p>
          )}
          <div className="plan-card-actions">
            <button type="button" aria-expanded={open} aria-controls={editorId} onClick={onToggle}>
              <PenLine aria-hidden="true" size={15} /> {open ? "Close" : draft && !readOnly ? "Preview & edit" : "Preview"}
            </button>
            {draft && !readOnly && (
              <button
                type="button"
                className="primary"
                aria-label={`Approve “${item.title}”`}
                disabled={approveOne.isPending}
                onClick={() => approveOne.mutate()}
              >
                <Check aria-hidden="true" size={15} /> Approve
              </button>
            )}
          </div>
        </div>
      </article>
      {open && (
        <ItemEditor
          id={editorId}
          workspaceId={workspaceId}
          planId={planId}
          item={item}
          accounts={accounts}
          timeZone={zone}
          editable={draft && !readOnly}
          onAnswer={onAnswer}
        />
      )}
    </li>
  );
}

/** "2027-01-05T09:30" as a datetime-local field shows the instant in the zone. */
function localInput(slot: string, timeZone: string): string {
  const wall = wallParts(slot, timeZone);
  return `${wall.day}T${String(wall.hour).padStart(2, "0")}:${String(wall.minute).padStart(2, "0")}`;
}

function CaptionMeter({ caption }: { caption: ItemCaption }) {
  const state = fullness(caption);
  return (
    <li className="caption-meter" data-fullness={state}>
      <NetworkIcon network={caption.network} size={16} />
      <span className="visually-hidden">{networkLabel(caption.network)}: </span>
      <span className="caption-count">
        {caption.count}/{caption.limit}
      </span>
    </li>
  );
}

function useMedia(workspaceId: string, mediaId: string | null) {
  return useQuery({
    queryKey: ["media", workspaceId, mediaId],
    queryFn: () => api<Media>(`/v1/workspaces/${workspaceId}/media/${mediaId}`),
    enabled: Boolean(mediaId),
  });
}

function ItemImage({ workspaceId, item }: { workspaceId: string; item: PlanItem }) {
  const media = useMedia(workspaceId, item.media_id);
  const source = media.data?.thumbnail_url ?? media.data?.url;
  return (
    <div className="plan-image">
      {source ? (
        <img src={source} alt={media.data?.alt_text || `Image: ${item.headline ?? item.title}`} loading="lazy" />
      ) : (
        <div className="plan-image-empty" aria-hidden="true">
          <ImageIcon size={28} />
        </div>
      )}
    </div>
  );
}

function ItemEditor({
  id,
  workspaceId,
  planId,
  item,
  accounts,
  timeZone,
  editable,
  onAnswer,
}: {
  id: string;
  workspaceId: string;
  planId: string;
  item: PlanItem;
  accounts: Account[];
  timeZone: string;
  editable: boolean;
  onAnswer: (answer: Plan | PlanItem) => void;
}) {
  const networks = useNetworks();
  const queryClient = useQueryClient();
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(item.captions.map((c) => [c.account_id, captionText(c)])));
  const [shown, setShown] = useState(item.captions[0]?.account_id ?? "");
  // A regenerated text replaces what is in the boxes.
  useEffect(() => setTexts(Object.fromEntries(item.captions.map((c) => [c.account_id, captionText(c)]))), [item.captions]);
  const changed = item.captions.filter((c) => texts[c.account_id] !== captionText(c));
  const savedTitle = item.title;
  const savedSlot = item.slot ? localInput(item.slot, timeZone) : "";
  const [title, setTitle] = useState(savedTitle);
  const [slot, setSlot] = useState(savedSlot);
  useEffect(() => setTitle(savedTitle), [savedTitle]);
  useEffect(() => setSlot(savedSlot), [savedSlot]);
  const dirty = changed.length > 0 || (title.trim() && title !== savedTitle) || (slot && slot !== savedSlot);

  const save = useMutation({
    // A slot without an offset is read in the item's own time zone (the API's rule).
    mutationFn: () =>
      patchItem(workspaceId, planId, item.item_id, {
        version: item.version,
        ...(title.trim() && title !== savedTitle ? { title: title.trim() } : {}),
        ...(slot && slot !== savedSlot ? { slot } : {}),
        ...(changed.length ? { captions: changed.map((c) => ({ account_id: c.account_id, text: texts[c.account_id] })) } : {}),
      }),
    onSuccess: (answer) => {
      onAnswer(answer);
      showToast("Changes saved.");
    },
    // Changed meanwhile (by a teammate, or in another tab): show the item as it is now.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: keys.plan(workspaceId, planId) });
    },
  });
  const regenerate = useMutation({
    mutationFn: (part: "text" | "image") => regenerateItem(workspaceId, planId, item.item_id, part),
    onSuccess: (answer, part) => {
      onAnswer(answer);
      if (part === "image") void queryClient.invalidateQueries({ queryKey: ["media", workspaceId] });
      showToast(part === "image" ? "A new image is ready." : "New captions written.");
    },
    onError: (error) => showError(errorMessage(error), errorLink(error)),
  });
  const caption = item.captions.find((c) => c.account_id === shown) ?? item.captions[0];
  const network = caption && networks.data?.find((n) => n.id === caption.network);
  const account = caption && (accounts.find((a) => a.id === caption.account_id) ?? { network: caption.network, display_name: "", handle: null, avatar_url: null });
  const text = caption ? (texts[caption.account_id] ?? "") : "";
  const count = network ? counter(text, network.limits.text) : null;
  const boxId = useId();
  const titleId = useId();
  const slotId = useId();
  // Opened, the editor takes the focus on its first field (where the keyboard goes on).
  useEffect(() => document.getElementById(editable ? titleId : boxId)?.focus(), [editable, titleId, boxId]);

  return (
    <section id={id} className="plan-editor" aria-label={`Edit “${item.title}”`}>
      <h4 className="visually-hidden">
        {item.title}: captions and previews
      </h4>
      {editable && (
        <div className="plan-editor-meta">
          <div className="field">
            <label htmlFor={titleId}>Title</label>
            <input id={titleId} value={title} maxLength={300} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={slotId}>Goes out ({timeZone.replace(/_/g, " ")})</label>
            <input id={slotId} type="datetime-local" value={slot} onChange={(e) => setSlot(e.target.value)} />
          </div>
        </div>
      )}
      {item.captions.length > 1 && (
        <div className="segmented" role="group" aria-label="Network">
          {item.captions.map((c) => (
            <button key={c.account_id} type="button" aria-pressed={c.account_id === caption?.account_id} onClick={() => setShown(c.account_id)}>
              <NetworkIcon network={c.network} size={15} /> {networkLabel(c.network)}
            </button>
          ))}
        </div>
      )}
      {caption && (
        <div className="plan-editor-body">
          <div className="plan-editor-text">
            <label htmlFor={boxId}>Caption for {networkLabel(caption.network)}</label>
            <textarea
              id={boxId}
              rows={8}
              value={text}
              readOnly={!editable}
              aria-describedby={`${boxId}-count`}
              onChange={(e) => setTexts({ ...texts, [caption.account_id]: e.target.value })}
            />
            <p id={`${boxId}-count`} className="caption-counter" data-over={count?.over || undefined}>
              {count ? `${count.used} / ${count.max}` : `${caption.count} / ${caption.limit}`}
              {count?.over && " — too long for this network"}
            </p>
            {caption.first_comment && (
              <p className="first-comment">
                <span className="muted">First comment: </span>
                {caption.first_comment}
              </p>
            )}
            <p className="muted writer-line">
              <Sparkles aria-hidden="true" size={14} /> Written by {writerName(item.writer)}
            </p>
            {save.isError && (
              <p role="alert" className="form-error">
                {errorMessage(save.error)}
              </p>
            )}
            {editable && (
              <div className="actions">
                <button type="button" className="primary" disabled={!dirty || save.isPending || Boolean(count?.over)} onClick={() => save.mutate()}>
                  {save.isPending ? "Saving…" : "Save changes"}
                </button>
                <button type="button" disabled={regenerate.isPending} onClick={() => regenerate.mutate("text")}>
                  <RefreshCw aria-hidden="true" size={15} /> {regenerate.isPending && regenerate.variables === "text" ? "Writing…" : "Rewrite text"}
                </button>
                <button type="button" disabled={regenerate.isPending} onClick={() => regenerate.mutate("image")}>
                  <ImageIcon aria-hidden="true" size={15} /> {regenerate.isPending && regenerate.variables === "image" ? "Drawing…" : "New image"}
                </button>
              </div>
            )}
          </div>
          <div className="plan-editor-preview">
            {network && account ? (
              <PostPreview
                workspaceId={workspaceId}
                account={account}
                network={network}
                text={text}
                mediaIds={item.media_id ? [item.media_id] : []}
              />
            ) : (
              <p className="muted">Loading the preview…</p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
