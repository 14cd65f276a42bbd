// The composer: one post for several accounts, a variant text per account, live counters
// that count as each network does, media (with alt text), first comment, and when to
// publish, once or repeating. What stops the post from going out is said beside the
// button, per network, and the button waits until it is fixed.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useAccounts, type Account } from "../accounts/api";
import { WritingHelp } from "../ai/WritingHelp";
import { useNetworks } from "../api/networks";
import { api, ApiError, type ProblemDetail } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import { NetworkIcon } from "../components/NetworkIcon";
import { showToast } from "../components/Toasts";
import { TimeZoneField } from "../components/TimeZoneField";
import { appendText, insertAt, libraryPath, type LibraryItem } from "../library/api";
import { LibraryPanel } from "../library/LibraryPanel";
import { SuggestedSlots } from "../analytics/SuggestedSlots";
import { MediaPicker } from "../media/MediaPicker";
import { monthLabel } from "../plans/logic";
import { counter } from "./counting";
import { changesLinks, linksAsSent, trackingOf, type SendingLinks } from "./linksAsSent";
import { wallTime, type Network, type Post, type PostBody, type When } from "./api";
import { PostPreview } from "./PostPreview";
import { AltTextPrompt } from "./compose/AltTextPrompt";
import { blockers, type Blocker } from "./compose/blockers";
import { RepeatPicker } from "./compose/RepeatPicker";
import { describeRepeat, fromRule } from "./compose/rrule";
import { TextEditor } from "./compose/TextEditor";
import { panelId, tabId, TextTabs } from "./compose/TextTabs";
import { scheduledLabel, wallLabel } from "./compose/when";
import "./posts.css";
import "./compose/composer.css";

type Mode = "draft" | "at" | "queue" | "now";

interface Problem extends ProblemDetail {
  target?: string | null;
}

export function ComposerPage() {
  const { workspace } = useWorkspace();
  const { postId } = useParams();
  if (!workspace) return <p>Loading…</p>;
  if (!roleAllows(workspace.role, "editor")) return <p role="alert">Your role in this workspace cannot create posts.</p>;
  return (
    <Composer key={postId ?? "new"} workspaceId={workspace.id} defaultZone={workspace.timezone} postId={postId} links={trackingOf(workspace)} />
  );
}

function Composer({
  workspaceId,
  defaultZone,
  postId,
  links,
}: {
  workspaceId: string;
  defaultZone: string;
  postId?: string;
  links: SendingLinks | null;
}) {
  const base = `/v1/workspaces/${workspaceId}`;
  const networks = useNetworks();
  const accounts = useAccounts(workspaceId);
  const existing = useQuery({
    queryKey: ["post", workspaceId, postId],
    queryFn: () => api<Post>(`${base}/posts/${postId}`),
    enabled: Boolean(postId),
  });

  if (networks.isPending || accounts.isPending || (postId && existing.isPending)) return <p>Loading the composer…</p>;
  if (networks.isError || accounts.isError || existing.isError) {
    const error = networks.error ?? accounts.error ?? existing.error;
    return <p role="alert">Could not load the composer: {error?.message}</p>;
  }
  const usable = (accounts.data?.items ?? []).filter((a) => a.status === "connected" || a.status === "expiring");
  return (
    <ComposerForm
      base={base}
      workspaceId={workspaceId}
      networks={networks.data ?? []}
      accounts={usable}
      defaultZone={defaultZone}
      post={existing.data}
      links={links}
    />
  );
}

export function ComposerForm({
  base,
  workspaceId,
  networks,
  accounts,
  defaultZone,
  post,
  links = null,
}: {
  base: string;
  workspaceId: string;
  networks: Network[];
  accounts: Account[];
  defaultZone: string;
  post?: Post;
  /** The workspace's link tracking: texts are counted with their links as sent. */
  links?: SendingLinks | null;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const ids = useId();
  // The queue page links here with ?mode=queue&account=<id> ("add to queue").
  const [params] = useSearchParams();
  const preselected = params.get("account");
  const [selected, setSelected] = useState<string[]>(
    post?.targets.map((t) => t.account_id) ?? (preselected && accounts.some((a) => a.id === preselected) ? [preselected] : []),
  );
  const [text, setText] = useState(post?.text ?? "");
  const [variants, setVariants] = useState<Record<string, string | undefined>>(
    Object.fromEntries((post?.targets ?? []).filter((t) => t.text !== null).map((t) => [t.account_id, t.text ?? ""])),
  );
  const [tab, setTab] = useState<string>("all");
  const [mediaIds, setMediaIds] = useState<string[]>(post?.media_ids ?? []);
  const [firstComment, setFirstComment] = useState(post?.first_comment ?? "");
  const [mode, setMode] = useState<Mode>(
    post?.scheduled_at ? "at" : !post && params.get("mode") === "queue" ? "queue" : "draft",
  );
  const [zone, setZone] = useState(post?.timezone ?? defaultZone);
  const [at, setAt] = useState(post?.scheduled_at ? wallTime(post.scheduled_at, post.timezone) : "");
  const [recurrence, setRecurrence] = useState(post?.recurrence ?? "");
  // A template's texts per network, for the accounts chosen after it was applied.
  const [templateVariants, setTemplateVariants] = useState<Record<string, string>>({});
  const textArea = useRef<HTMLTextAreaElement>(null);

  const byNetwork = useMemo(() => Object.fromEntries(networks.map((n) => [n.id, n])), [networks]);
  const chosen = accounts.filter((a) => selected.includes(a.id));
  const maxMedia = Math.min(...chosen.map((a) => byNetwork[a.network]?.limits.max_media || Infinity));

  const save = useMutation({
    meta: { toast: false }, // every problem is shown at its field below
    mutationFn: (body: PostBody) =>
      post
        ? api<Post>(`${base}/posts/${post.id}`, { method: "PATCH", body: { ...body, version: post.version } })
        : api<Post>(`${base}/posts`, { method: "POST", body }),
    onSuccess: (saved) => {
      queryClient.invalidateQueries({ queryKey: ["posts", workspaceId] });
      queryClient.invalidateQueries({ queryKey: ["post", workspaceId, saved.id] });
      showToast(confirmation(saved, mode), { to: `/posts/${saved.id}`, label: "View the post" });
      navigate(saved.scheduled_at ? `/calendar?date=${saved.scheduled_at.slice(0, 10)}` : "/calendar?view=list&status=draft");
    },
  });
  const problems: Problem[] = save.error instanceof ApiError ? save.error.details : [];

  function body(): PostBody {
    const when: When | null =
      mode === "at" ? { at, timezone: zone } : mode === "queue" ? { queue: true } : mode === "now" ? { now: true } : null;
    const result: PostBody = {
      text,
      media_ids: mediaIds,
      targets: chosen.map((a) => {
        // What the composer does not edit (a title, a target's own first comment) stays.
        const options = post?.targets.find((t) => t.account_id === a.id)?.options;
        const kept = options && Object.keys(options).length ? { options } : {};
        return variants[a.id] !== undefined ? { account_id: a.id, text: variants[a.id], ...kept } : { account_id: a.id, ...kept };
      }),
      first_comment: firstComment.trim() ? firstComment : null,
      when,
    };
    const rule = mode === "at" ? recurrence.trim() : "";
    if (rule) result.recurrence = rule;
    else if (post?.recurrence) result.recurrence = null; // no longer repeats
    return result;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(body());
  }

  function toggleAccount(id: string) {
    const adding = !selected.includes(id);
    setSelected((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id]));
    const network = accounts.find((a) => a.id === id)?.network;
    if (adding && network && templateVariants[network] !== undefined && variants[id] === undefined) {
      setVariants((current) => ({ ...current, [id]: templateVariants[network] }));
    }
  }

  /** A library item into the post: a snippet at the caret (or into the open variant), a
   * hashtag group after the text, a template's text, variants, media and first comment. */
  function insert(item: LibraryItem) {
    const variantTab = tab !== "all" && variants[tab] !== undefined ? tab : null;
    if (item.kind === "template") {
      const tags = item.hashtags.join(" ");
      const withTags = (value: string) => (tags ? appendText(value, tags) : value);
      setText(withTags(item.text));
      setTemplateVariants(Object.fromEntries(Object.entries(item.variants).map(([n, v]) => [n, withTags(v)])));
      setVariants(
        Object.fromEntries(
          chosen.filter((a) => item.variants[a.network] !== undefined).map((a) => [a.id, withTags(item.variants[a.network])]),
        ),
      );
      if (item.media_ids.length > 0) setMediaIds(item.media_ids);
      if (item.first_comment) setFirstComment(item.first_comment);
      setTab("all");
      return;
    }
    const addition = item.kind === "hashtags" ? item.hashtags.join(" ") : item.text;
    if (variantTab) {
      setVariants((current) => ({ ...current, [variantTab]: appendText(current[variantTab] ?? "", addition) }));
    } else if (item.kind === "hashtags") {
      setText((current) => appendText(current, addition));
    } else {
      const area = textArea.current;
      const start = area?.selectionStart ?? text.length;
      const end = area?.selectionEnd ?? text.length;
      setText((current) => insertAt(current, addition, Math.min(start, current.length), Math.min(end, current.length)));
    }
  }

  /** The post as a library template: a network's own text from its accounts' variants. */
  function asTemplate() {
    const byNet: Record<string, string> = {};
    for (const account of chosen) {
      const own = variants[account.id];
      if (own !== undefined && byNet[account.network] === undefined) byNet[account.network] = own;
    }
    return { text, variants: byNet, media_ids: mediaIds, first_comment: firstComment.trim() ? firstComment : null };
  }

  // The Library page links here with ?template=<id> ("use in a new post").
  const templateId = post ? null : params.get("template");
  const applied = useRef(false);
  useEffect(() => {
    if (!templateId || applied.current) return;
    applied.current = true;
    api<LibraryItem>(libraryPath(workspaceId, templateId))
      .then(insert)
      .catch(() => undefined);
  }, [templateId, workspaceId]);

  const targetIndex = (accountId: string) => chosen.findIndex((a) => a.id === accountId);
  const at_ = (field: string) => problems.filter((p) => p.field === field);
  const shown = new Set<Problem>();
  const mark = (list: Problem[]) => {
    list.forEach((p) => shown.add(p));
    return list;
  };

  const accountName = (id: string | null | undefined) => {
    const account = accounts.find((a) => a.id === id);
    return account ? `${byNetwork[account.network]?.name ?? account.network} (${account.display_name})` : (id ?? "");
  };

  const submitLabel = { draft: "Save draft", at: "Schedule", queue: "Add to queue", now: "Publish now" }[mode];
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  // What stops the post from going out, known before it is sent.
  const found: Blocker[] = blockers({
    targets: chosen
      .filter((a) => byNetwork[a.network])
      .map((a) => ({ network: byNetwork[a.network], text: linksAsSent(variants[a.id] ?? text, a.network, links) })),
    mediaCount: mediaIds.length,
    firstComment,
  });
  if (mode === "at" && !at) found.push({ network: "", message: "Choose a date and time" });
  const stopping = mode === "draft" ? found.filter((b) => b.message === "Choose at least one account") : found;
  const stopped = stopping.length > 0;
  const plan = {
    draft: "Kept as a draft: nothing is published.",
    at: at ? `${wallLabel(at, zone)}${recurrence.trim() ? ", then repeating" : ""}` : "",
    queue: "In the next free slot of each account.",
    now: "Right away.",
  }[mode];
  const audience = chosen.length === 1 ? accountName(chosen[0].id) : `${chosen.length} accounts`;

  const currentTab = chosen.some((a) => a.id === tab) ? tab : "all";
  const sameNetwork = (account: Account) => chosen.filter((a) => a.network === account.network).length > 1;
  const tabs = [
    { id: "all", label: "All accounts" },
    ...chosen.map((account) => ({
      id: account.id,
      label: (
        <>
          <NetworkIcon network={account.network} size={14} />
          {byNetwork[account.network]?.name ?? account.network}
          {sameNetwork(account) ? ` · ${account.display_name}` : ""}
          {variants[account.id] !== undefined ? " (own text)" : ""}
        </>
      ),
    })),
  ];
  const library = <LibraryPanel workspaceId={workspaceId} onInsert={insert} current={asTemplate} />;

  return (
    <form className="composer" onSubmit={submit} aria-label="Compose a post" noValidate>
      <h1>{post ? "Edit post" : "New post"}</h1>
      {post?.origin && (
        <p className="muted composer-origin">
          From the <Link to={`/plans?month=${post.origin.month}`}>{monthLabel(post.origin.month)} content plan</Link>
        </p>
      )}
      <div className="composer-body">
        <div className="composer-main">
          <fieldset className="composer-card">
            <legend>Accounts</legend>
            {accounts.length === 0 && <p>No connected accounts yet: connect one on the Accounts page.</p>}
            <ul className="account-picker">
              {accounts.map((account) => (
                <li key={account.id}>
                  <label className="account-choice" data-checked={selected.includes(account.id) || undefined}>
                    <input type="checkbox" checked={selected.includes(account.id)} onChange={() => toggleAccount(account.id)} />
                    <NetworkIcon network={account.network} size={18} />
                    <span>
                      {byNetwork[account.network]?.name ?? account.network} · {account.display_name}
                    </span>
                  </label>
                  <Problems list={mark(problems.filter((p) => p.field === `targets[${targetIndex(account.id)}].account_id`))} />
                </li>
              ))}
            </ul>
            <Problems list={mark(at_("targets"))} />
          </fieldset>

          <section className="composer-card composer-text" aria-label="Post text">
            <TextTabs base={ids} label="Text per account" tabs={tabs} selected={currentTab} onSelect={setTab} />
            <div className="text-panel" role="tabpanel" id={panelId(ids)} aria-labelledby={tabId(ids, currentTab)}>
              {currentTab === "all" ? (
                <TextEditor id={`${ids}-text`} label="Text" value={text} onChange={setText} areaRef={textArea} tools={library}>
                  <ul className="counters" aria-label="Length per account">
                    {chosen
                      .filter((a) => variants[a.id] === undefined)
                      .map((a) => (
                        <Counter key={a.id} label={byNetwork[a.network]?.name ?? a.network} text={text} network={byNetwork[a.network]} links={links} />
                      ))}
                  </ul>
                  <LinksNote changed={chosen.some((a) => variants[a.id] === undefined && changesLinks(text, a.network, links))} links={links} />
                  <Problems list={mark(at_("text"))} name={accountName} />
                </TextEditor>
              ) : (
                <VariantPanel
                  key={currentTab}
                  account={chosen.find((a) => a.id === currentTab)!}
                  network={byNetwork[chosen.find((a) => a.id === currentTab)!.network]}
                  defaultText={text}
                  variant={variants[currentTab]}
                  onChange={(value) => setVariants((current) => ({ ...current, [currentTab]: value }))}
                  problems={mark(at_(`targets[${targetIndex(currentTab)}].text`))}
                  tools={library}
                  links={links}
                />
              )}
            </div>
            {/* A problem of another tab's variant stays visible whichever tab is open. */}
            <Problems
              list={mark(problems.filter((p) => /^targets\[\d+\]\.text$/.test(p.field) && !shown.has(p)))}
              name={accountName}
            />
            <WritingHelp
              workspaceId={workspaceId}
              text={text}
              accounts={chosen}
              networkNames={Object.fromEntries(networks.map((n) => [n.id, n.name]))}
              onVariants={(own) => setVariants((current) => ({ ...current, ...own }))}
              onFirstComment={setFirstComment}
            />
          </section>

          <fieldset className="composer-card">
            <legend>Media</legend>
            <AltTextPrompt workspaceId={workspaceId} mediaIds={mediaIds} />
            <MediaPicker
              workspaceId={workspaceId}
              selected={mediaIds}
              onChange={(next) => setMediaIds(next)}
              max={Number.isFinite(maxMedia) ? maxMedia : undefined}
            />
            <Problems list={mark(problems.filter((p) => p.field.startsWith("media_ids")))} name={accountName} />
          </fieldset>

          <div className="field composer-card">
            <label htmlFor={`${ids}-comment`}>First comment (optional)</label>
            <textarea id={`${ids}-comment`} value={firstComment} rows={2} onChange={(e) => setFirstComment(e.target.value)} />
            <Problems list={mark(at_("first_comment"))} name={accountName} />
          </div>

          <fieldset className="composer-card">
            <legend>When</legend>
            <div className="when-choices">
              {(["draft", "at", "queue", "now"] as Mode[]).map((value) => (
                <label key={value} className="when-choice" data-checked={mode === value || undefined}>
                  <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} />{" "}
                  {{ draft: "Save as draft", at: "Schedule at a time", queue: "Add to the queue", now: "Publish now" }[value]}
                </label>
              ))}
            </div>
            {mode !== "now" && (
              <SuggestedSlots
                workspaceId={workspaceId}
                accountIds={chosen.map((a) => a.id)}
                chosen={mode === "at" ? { at, zone } : undefined}
                onPick={(slot, wall) => {
                  setMode("at");
                  setZone(slot.timezone);
                  setAt(wall);
                }}
              />
            )}
            {mode === "at" && (
              <>
                <div className="when-at">
                  <div className="field">
                    <label htmlFor={`${ids}-at`}>Date and time</label>
                    <input id={`${ids}-at`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required />
                    <Problems list={mark(at_("when.at"))} />
                  </div>
                  <div className="field">
                    <TimeZoneField value={zone} onChange={setZone} />
                    <Problems list={mark(at_("when.timezone"))} />
                  </div>
                </div>
                <RepeatPicker rule={recurrence} onChange={setRecurrence} start={at} />
                <Problems list={mark(at_("recurrence"))} />
              </>
            )}
            <Problems list={mark(problems.filter((p) => p.field.startsWith("when") && !shown.has(p)))} />
          </fieldset>

          <div className="composer-actions">
            {conflict && (
              <p role="alert" className="form-error">
                {(save.error as ApiError).message}{" "}
                <button type="button" onClick={() => window.location.reload()}>
                  Reload the post
                </button>
              </p>
            )}
            {save.error && !conflict && (
              <p role="alert" className="form-error">
                {problems.length > 0 ? "The post was not saved: see the problems above." : save.error.message}
              </p>
            )}
            <Problems list={problems.filter((p) => !shown.has(p))} name={accountName} />
            <div className="action-row">
              {!stopped && (
                <p className="action-plan">
                  <strong>{audience}</strong> · {plan}
                </p>
              )}
              {stopped && (
                <ul className="blockers" id={`${ids}-blockers`} aria-label={`Before you can ${submitLabel.toLowerCase()}`}>
                  {stopping.map((blocker) => (
                    <li key={blocker.message}>
                      {blocker.network ? <NetworkIcon network={blocker.network} size={14} /> : null}
                      {blocker.message}
                    </li>
                  ))}
                </ul>
              )}
              <button
                type="submit"
                className="primary"
                disabled={save.isPending || stopped}
                aria-describedby={stopped ? `${ids}-blockers` : undefined}
              >
                {save.isPending ? "Saving…" : submitLabel}
              </button>
            </div>
          </div>
        </div>

        <aside className="composer-side" aria-label="Previews">
          <h2>Preview</h2>
          {chosen.length === 0 && <p className="muted">Choose an account to see how the post will look there.</p>}
          <div className="previews">
            {chosen.map((account) =>
              byNetwork[account.network] ? (
                <PostPreview
                  key={account.id}
                  workspaceId={workspaceId}
                  account={account}
                  network={byNetwork[account.network]}
                  text={variants[account.id] ?? text}
                  mediaIds={mediaIds}
                />
              ) : null,
            )}
          </div>
        </aside>
      </div>
    </form>
  );
}

/** What the toast says once the post is saved. */
function confirmation(saved: Post, mode: Mode): string {
  const when = saved.scheduled_at ? scheduledLabel(saved.scheduled_at, saved.timezone) : null;
  const repeat = saved.recurrence ? fromRule(saved.recurrence) : null;
  const described = repeat && saved.scheduled_at ? describeRepeat(repeat, wallTime(saved.scheduled_at, saved.timezone)) : "";
  const repeats = described ? `; ${described.charAt(0).toLowerCase()}${described.slice(1)}` : "";
  if (saved.status === "pending_approval") return when ? `Sent for approval, planned for ${when}` : "Sent for approval";
  if (mode === "now") return "Publishing now";
  if (!when) return "Draft saved";
  if (mode === "queue") return `Added to the queue for ${when}`;
  return `Scheduled for ${when}${repeats}`;
}

function VariantPanel({
  account,
  network,
  defaultText,
  variant,
  onChange,
  problems,
  tools,
  links,
}: {
  account: Account;
  network?: Network;
  defaultText: string;
  variant: string | undefined;
  onChange: (value: string | undefined) => void;
  problems: Problem[];
  tools?: ReactNode;
  links: SendingLinks | null;
}) {
  const id = useId();
  const own = variant !== undefined;
  const name = network?.name ?? account.network;
  return (
    <>
      <label className="choice own-text">
        <input type="checkbox" checked={own} onChange={() => onChange(own ? undefined : defaultText)} /> Own text for {name}
      </label>
      <TextEditor
        id={id}
        label={`Text for ${name}`}
        value={own ? variant : defaultText}
        disabled={!own}
        onChange={(value) => onChange(value)}
        tools={tools}
      >
        <ul className="counters" aria-label={`Length for ${name}`}>
          <Counter label={name} text={own ? variant : defaultText} network={network} links={links} />
        </ul>
        <LinksNote changed={changesLinks(own ? variant : defaultText, account.network, links)} links={links} />
        <Problems list={problems} />
      </TextEditor>
    </>
  );
}

/** One network's count of the text as it will be sent (links tagged and shortened). */
function Counter({ label, text, network, links }: { label: string; text: string; network?: Network; links: SendingLinks | null }) {
  if (!network) return null;
  const { used, max, over } = counter(linksAsSent(text, network.id, links), network.limits.text);
  return (
    <li className={over ? "counter over" : "counter"} data-over={over || undefined} aria-label={`${label}: ${used} of ${max}`}>
      {label}: {used} / {max}
    </li>
  );
}

/** Why a count is more than the letters typed: the links go out tagged or shortened. */
function LinksNote({ changed, links }: { changed: boolean; links: SendingLinks | null }) {
  if (!changed || !links) return null;
  const how = [links.enabled && "tagged for each network (UTM)", links.shorten && "shortened"].filter(Boolean).join(" and ");
  return <p className="muted counter-note">Counted with links as they go out: {how}.</p>;
}

function Problems({ list, name }: { list: Problem[]; name?: (id: string | null | undefined) => string }) {
  if (list.length === 0) return null;
  return (
    <ul className="problems">
      {list.map((problem, index) => (
        <li key={index} className="field-error">
          {problem.target && name ? `${name(problem.target)}: ` : ""}
          {problem.message}
        </li>
      ))}
    </ul>
  );
}
