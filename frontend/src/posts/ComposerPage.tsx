// The composer: one post for several accounts, a variant text per account, live counters
// that count as each network does, media, first comment, and when to publish.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useAccounts, type Account } from "../accounts/api";
import { useNetworks } from "../api/networks";
import { api, ApiError, type ProblemDetail } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import { TimeZoneField } from "../components/TimeZoneField";
import { appendText, insertAt, libraryPath, type LibraryItem } from "../library/api";
import { LibraryPanel } from "../library/LibraryPanel";
import { MediaPicker } from "../media/MediaPicker";
import { counter } from "./counting";
import { wallTime, type Network, type Post, type PostBody, type When } from "./api";
import { PostPreview } from "./PostPreview";
import "./posts.css";

type Mode = "draft" | "at" | "queue" | "now";

interface Problem extends ProblemDetail {
  target?: string | null;
}

export function ComposerPage() {
  const { workspace } = useWorkspace();
  const { postId } = useParams();
  if (!workspace) return <p>Loading…</p>;
  if (!roleAllows(workspace.role, "editor")) return <p role="alert">Your role in this workspace cannot create posts.</p>;
  return <Composer key={postId ?? "new"} workspaceId={workspace.id} defaultZone={workspace.timezone} postId={postId} />;
}

function Composer({ workspaceId, defaultZone, postId }: { workspaceId: string; defaultZone: string; postId?: string }) {
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
}: {
  base: string;
  workspaceId: string;
  networks: Network[];
  accounts: Account[];
  defaultZone: string;
  post?: Post;
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
      targets: chosen.map((a) => (variants[a.id] !== undefined ? { account_id: a.id, text: variants[a.id] } : { account_id: a.id })),
      first_comment: firstComment.trim() ? firstComment : null,
      when,
    };
    if (mode === "at" && recurrence.trim()) result.recurrence = recurrence.trim();
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

  return (
    <form className="composer" onSubmit={submit} aria-label="Compose a post" noValidate>
      <h1>{post ? "Edit post" : "New post"}</h1>

      <fieldset>
        <legend>Accounts</legend>
        {accounts.length === 0 && <p>No connected accounts yet: connect one on the Accounts page.</p>}
        <ul className="account-picker">
          {accounts.map((account) => (
            <li key={account.id}>
              <label className={`network-${account.network}`}>
                <input type="checkbox" checked={selected.includes(account.id)} onChange={() => toggleAccount(account.id)} />{" "}
                {byNetwork[account.network]?.name ?? account.network} · {account.display_name}
              </label>
              <Problems list={mark(problems.filter((p) => p.field === `targets[${targetIndex(account.id)}].account_id`))} />
            </li>
          ))}
        </ul>
        <Problems list={mark(at_("targets"))} />
      </fieldset>

      <div className="tabs" role="tablist" aria-label="Text per account">
        <button type="button" role="tab" aria-selected={tab === "all"} onClick={() => setTab("all")}>
          All accounts
        </button>
        {chosen.map((account) => (
          <button key={account.id} type="button" role="tab" aria-selected={tab === account.id} onClick={() => setTab(account.id)}>
            {byNetwork[account.network]?.name ?? account.network}
            {variants[account.id] !== undefined ? " (own text)" : ""}
          </button>
        ))}
      </div>

      <LibraryPanel workspaceId={workspaceId} onInsert={insert} current={asTemplate} />

      {tab === "all" || !chosen.some((a) => a.id === tab) ? (
        <div className="field" role="tabpanel">
          <label htmlFor={`${ids}-text`}>Text</label>
          <textarea id={`${ids}-text`} ref={textArea} value={text} rows={6} onChange={(e) => setText(e.target.value)} />
          <ul className="counters" aria-label="Length per account">
            {chosen
              .filter((a) => variants[a.id] === undefined)
              .map((a) => (
                <Counter key={a.id} label={byNetwork[a.network]?.name ?? a.network} text={text} network={byNetwork[a.network]} />
              ))}
          </ul>
          <Problems list={mark(at_("text"))} name={accountName} />
        </div>
      ) : (
        <VariantPanel
          key={tab}
          account={chosen.find((a) => a.id === tab)!}
          network={byNetwork[chosen.find((a) => a.id === tab)!.network]}
          defaultText={text}
          variant={variants[tab]}
          onChange={(value) => setVariants((current) => ({ ...current, [tab]: value }))}
          problems={mark(at_(`targets[${targetIndex(tab)}].text`))}
        />
      )}
      {/* A problem of another tab's variant stays visible whichever tab is open. */}
      <Problems
        list={mark(problems.filter((p) => /^targets\[\d+\]\.text$/.test(p.field) && !shown.has(p)))}
        name={accountName}
      />

      {chosen.length > 0 && (
        <section className="previews" aria-label="Previews">
          <h2>Previews</h2>
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
        </section>
      )}

      <fieldset>
        <legend>Media</legend>
        <MediaPicker workspaceId={workspaceId} selected={mediaIds} onChange={(next) => setMediaIds(next)} max={Number.isFinite(maxMedia) ? maxMedia : undefined} />
        <Problems list={mark(problems.filter((p) => p.field.startsWith("media_ids")))} name={accountName} />
      </fieldset>

      <div className="field">
        <label htmlFor={`${ids}-comment`}>First comment (optional)</label>
        <textarea id={`${ids}-comment`} value={firstComment} rows={2} onChange={(e) => setFirstComment(e.target.value)} />
        <Problems list={mark(at_("first_comment"))} name={accountName} />
      </div>

      <fieldset>
        <legend>When</legend>
        {(["draft", "at", "queue", "now"] as Mode[]).map((value) => (
          <label key={value} className="choice">
            <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} />{" "}
            {{ draft: "Save as draft", at: "Schedule at a time", queue: "Add to the queue", now: "Publish now" }[value]}
          </label>
        ))}
        {mode === "at" && (
          <>
            <div className="field">
              <label htmlFor={`${ids}-at`}>Date and time</label>
              <input id={`${ids}-at`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required />
              <Problems list={mark(at_("when.at"))} />
            </div>
            <TimeZoneField value={zone} onChange={setZone} />
            <Problems list={mark(at_("when.timezone"))} />
            <div className="field">
              <label htmlFor={`${ids}-rrule`}>Repeat (RFC 5545 rule, optional)</label>
              <input
                id={`${ids}-rrule`}
                value={recurrence}
                placeholder="FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12"
                onChange={(e) => setRecurrence(e.target.value)}
              />
              <Problems list={mark(at_("recurrence"))} />
            </div>
          </>
        )}
        <Problems list={mark(problems.filter((p) => p.field.startsWith("when") && !shown.has(p)))} />
      </fieldset>

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
      <button type="submit" disabled={save.isPending || selected.length === 0}>
        {save.isPending ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}

function VariantPanel({
  account,
  network,
  defaultText,
  variant,
  onChange,
  problems,
}: {
  account: Account;
  network?: Network;
  defaultText: string;
  variant: string | undefined;
  onChange: (value: string | undefined) => void;
  problems: Problem[];
}) {
  const id = useId();
  const own = variant !== undefined;
  const name = network?.name ?? account.network;
  return (
    <div className="field" role="tabpanel">
      <label className="choice">
        <input type="checkbox" checked={own} onChange={() => onChange(own ? undefined : defaultText)} /> Own text for {name}
      </label>
      <label htmlFor={id}>Text for {name}</label>
      <textarea id={id} value={own ? variant : defaultText} rows={6} disabled={!own} onChange={(e) => onChange(e.target.value)} />
      <ul className="counters" aria-label={`Length for ${name}`}>
        <Counter label={name} text={own ? variant : defaultText} network={network} />
      </ul>
      <Problems list={problems} />
    </div>
  );
}

function Counter({ label, text, network }: { label: string; text: string; network?: Network }) {
  if (!network) return null;
  const { used, max, over } = counter(text, network.limits.text);
  return (
    <li className={over ? "counter over" : "counter"} data-over={over || undefined} aria-label={`${label}: ${used} of ${max}`}>
      {label}: {used} / {max}
    </li>
  );
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
