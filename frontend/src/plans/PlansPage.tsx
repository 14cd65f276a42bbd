// Content plans (issue 24): a month's brief and the brand profile read from the business's
// website become a month of written, illustrated posts placed by the posting rules; the
// user edits what is not quite right and approves them onto the calendar.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, Sparkles } from "lucide-react";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useAccounts, type Account } from "../accounts/api";
import { roleAllows, type Workspace } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { errorLink, errorMessage, showToast } from "../components/Toasts";
import { plural } from "../dashboard/checklist";
import {
  generatePlan,
  keys,
  saveBrief,
  saveRules,
  useBrand,
  useBrief,
  usePlan,
  usePlans,
  useRules,
  type Brief,
  type Plan,
  type PostingRule,
} from "./api";
import { BrandCard } from "./BrandCard";
import { BriefCard } from "./BriefCard";
import { emptyBrief, isMonth, monthChoices, monthLabel, nextMonth, percent, todayIn, withWorkspaceRule, workspaceRule, writerName } from "./logic";
import { PlanGrid } from "./PlanGrid";
import { RulesCard } from "./RulesCard";
import "./plans.css";

export function PlansPage() {
  return <WorkspaceGate>{(workspace) => <Plans key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function Plans({ workspace }: { workspace: Workspace }) {
  const [params, setParams] = useSearchParams();
  const zone = workspace.timezone || "UTC";
  const today = todayIn(zone);
  const asked = params.get("month");
  const month = isMonth(asked) ? asked : nextMonth(today);
  const months = monthChoices(today);
  if (!months.includes(month)) months.push(month);
  const monthId = useId();
  const readOnly = !roleAllows(workspace.role, "editor");

  const accounts = useAccounts(workspace.id);
  const brand = useBrand(workspace.id);
  const rules = useRules(workspace.id);
  const brief = useBrief(workspace.id, month);
  const plans = usePlans(workspace.id, month);
  const failed = [accounts, brand, rules, brief, plans].find((q) => q.isError)?.error;
  const ready = accounts.data && brand.isSuccess && rules.isSuccess && brief.isSuccess && plans.isSuccess;

  return (
    <section className="plans" aria-labelledby="plans-title">
      <header className="plans-head">
        <div>
          <h1 id="plans-title">Content plans</h1>
          <p className="muted">A month of posts written for you from your brief and your website. You approve; Schedulo schedules.</p>
        </div>
        <div className="field month-field">
          <label htmlFor={monthId}>Month</label>
          <select id={monthId} value={month} onChange={(e) => setParams({ month: e.target.value }, { replace: true })}>
            {months.map((m) => (
              <option key={m} value={m}>
                {monthLabel(m)}
              </option>
            ))}
          </select>
        </div>
      </header>
      {readOnly && <p className="notice">You can read this workspace's plans; an editor writes and approves them.</p>}
      {failed ? (
        <p role="alert" className="form-error">
          Could not load the plans: {errorMessage(failed)}
        </p>
      ) : !ready ? (
        <p role="status">Loading…</p>
      ) : (
        <MonthPlan
          key={month}
          workspace={workspace}
          month={month}
          accounts={accounts.data.items.filter((a) => a.status !== "disconnected")}
          savedBrief={brief.data ?? null}
          savedRules={rules.data ?? []}
          plans={plans.data ?? []}
          brandReady={Boolean(brand.data)}
          brandSlot={<BrandCard workspaceId={workspace.id} saved={brand.data ?? null} readOnly={readOnly} />}
          readOnly={readOnly}
        />
      )}
    </section>
  );
}

function MonthPlan({
  workspace,
  month,
  accounts,
  savedBrief,
  savedRules,
  plans,
  brandReady,
  brandSlot,
  readOnly,
}: {
  workspace: Workspace;
  month: string;
  accounts: Account[];
  savedBrief: Brief | null;
  savedRules: PostingRule[];
  plans: Plan[];
  brandReady: boolean;
  brandSlot: ReactNode;
  readOnly: boolean;
}) {
  const ws = workspace.id;
  const queryClient = useQueryClient();
  // A brief naming no account yet starts with all of them (one naming none plans nothing).
  const [brief, setBrief] = useState<Brief>(() => {
    const start = savedBrief ?? emptyBrief(month, []);
    return start.account_ids.length ? start : { ...start, account_ids: accounts.map((a) => a.id) };
  });
  const [rule, setRule] = useState<PostingRule>(() => workspaceRule(savedRules));
  const [ruleDirty, setRuleDirty] = useState(savedRules.length === 0);
  const [planId, setPlanId] = useState<string | null>(plans[0]?.plan_id ?? null);
  const plan = usePlan(ws, planId);
  const hasPlan = plans.length > 0;

  const [folds, setFolds] = useState(0);
  const progressRef = useRef<HTMLElement>(null);
  const storeRules = async () => {
    const saved = await saveRules(ws, withWorkspaceRule(savedRules, rule));
    queryClient.setQueryData(keys.rules(ws), saved.rules);
    setRuleDirty(false);
  };
  const storeBrief = async () => queryClient.setQueryData(keys.brief(ws, month), await saveBrief(ws, { ...brief, month }));
  const briefSave = useMutation({ mutationFn: storeBrief, onSuccess: () => showToast(`Brief for ${monthLabel(month)} saved.`) });
  const rulesSave = useMutation({ mutationFn: storeRules, onSuccess: () => showToast("Posting rules saved.") });
  const generate = useMutation({
    mutationFn: async () => {
      await storeBrief();
      if (ruleDirty) await storeRules();
      return generatePlan(ws, month);
    },
    onSuccess: (started) => {
      // The setup is done: fold it, and show the progress where the user is looking.
      setFolds((n) => n + 1);
      window.requestAnimationFrame(() => progressRef.current?.scrollIntoView?.({ block: "center", behavior: "smooth" }));
      queryClient.setQueryData(keys.plan(ws, started.plan_id), started);
      void queryClient.invalidateQueries({ queryKey: keys.plans(ws, month) });
      setPlanId(started.plan_id);
    },
  });

  const [confirming, setConfirming] = useState(false);
  const current = plan.data;
  const drafts = current ? current.items.filter((i) => i.status === "draft").length : 0;
  const generating = generate.isPending || current?.status === "generating";
  const noAccounts = brief.account_ids.length === 0;
  const perMonth = Math.round((rule.per_week * 52) / 12);

  return (
    <div className="plan-steps">
      <Step number={1} title={`Brief for ${monthLabel(month)}`} summary={briefSummary(brief, accounts)} startOpen={!hasPlan} folds={folds}>
        <BriefCard brief={brief} onChange={setBrief} accounts={accounts} error={briefSave.error ?? generate.error} readOnly={readOnly} />
        {!readOnly && (
          <div className="actions">
            <button type="button" disabled={briefSave.isPending} onClick={() => briefSave.mutate()}>
              {briefSave.isPending ? "Saving…" : "Save brief"}
            </button>
          </div>
        )}
      </Step>
      <Step number={2} title="Brand profile" summary={brandReady ? "Saved: the writer uses it for every post" : "Read from your website"} startOpen={!hasPlan || !brandReady} folds={folds}>
        {brandSlot}
      </Step>
      <Step
        number={3}
        title="Posting rules"
        summary={`${rule.per_week} a week · ${rule.use_best_times ? "best times" : rule.window}`}
        startOpen={!hasPlan}
        folds={folds}
      >
        <RulesCard
          rule={rule}
          onChange={(next) => {
            setRule(next);
            setRuleDirty(true);
          }}
          onSave={() => rulesSave.mutate()}
          saving={rulesSave.isPending}
          dirty={ruleDirty}
          error={rulesSave.error}
          readOnly={readOnly}
        />
      </Step>
      <section ref={progressRef} className="plan-step generate-step" aria-labelledby="generate-title">
        <div className="step-head">
          <span className="step-number" aria-hidden="true">
            4
          </span>
          <div>
            <h2 id="generate-title">Generate</h2>
            <p className="muted">
              About {plural(perMonth, "post")} for {plural(brief.account_ids.length, "account")}, with captions fitted to each network and
              branded images.
            </p>
          </div>
        </div>
        {!readOnly && (
          <div className="generate-row">
            <button type="button" className="primary generate-button" disabled={generating || noAccounts} onClick={() => (drafts > 0 ? setConfirming(true) : generate.mutate())}>
              <Sparkles aria-hidden="true" size={18} />
              {generating ? "Writing your plan…" : current ? "Write a new plan" : `Generate the ${monthLabel(month)} plan`}
            </button>
            {noAccounts && <p className="field-hint">Choose at least one account in the brief.</p>}
            {!brandReady && !noAccounts && <p className="field-hint">Tip: read your website first, so the posts sound like you.</p>}
          </div>
        )}
        {confirming && (
          <ConfirmDialog
            title={`Write a new plan for ${monthLabel(month)}?`}
            confirmLabel="Write a new plan"
            cancelLabel="Keep this plan"
            onConfirm={() => {
              setConfirming(false);
              generate.mutate();
            }}
            onCancel={() => setConfirming(false)}
          >
            <p>
              The {plural(drafts, "draft")} not approved yet stay in Posts as drafts; the new plan takes the free slots
              left.
            </p>
          </ConfirmDialog>
        )}
        {generate.isError && <GenerateError error={generate.error} />}
        {current && <Progress plan={current} />}
        {plan.isError && (
          <p role="alert" className="form-error">
            Could not read the plan: {errorMessage(plan.error)}
          </p>
        )}
      </section>
      {current && current.items.length > 0 && current.status !== "generating" && (
        <PlanGrid workspaceId={ws} timeZone={workspace.timezone || "UTC"} plan={current} accounts={accounts} readOnly={readOnly} />
      )}
    </div>
  );
}

/** Why a plan could not start, where the button is (a plan limit leads to the plans). */
function GenerateError({ error }: { error: unknown }) {
  const link = errorLink(error);
  return (
    <p role="alert" className="form-error">
      {errorMessage(error)}
      {link && (
        <>
          {" "}
          <Link to={link.to}>{link.label}</Link>
        </>
      )}
    </p>
  );
}

function briefSummary(brief: Brief, accounts: Account[]): string {
  const names = accounts.filter((a) => brief.account_ids.includes(a.id)).length;
  const pillars = brief.pillars.length ? brief.pillars.join(", ") : "no pillars yet";
  return `${pillars} · ${plural(names, "account")}${brief.promotion ? " · with a promotion" : ""}`;
}

function Progress({ plan }: { plan: Plan }) {
  const value = percent(plan.progress, plan.status);
  const labelId = useId();
  if (plan.status === "failed") {
    return (
      <p role="alert" className="form-error">
        The plan could not be written{plan.error ? `: ${plan.error}` : "."} Try again in a moment.
      </p>
    );
  }
  return (
    <div className="plan-progress" data-status={plan.status}>
      <div className="plan-progress-label">
        <span id={labelId}>{plan.status === "generating" ? "Writing your posts and drawing their images" : "Plan ready"}</span>
        <span aria-hidden="true">{value}%</span>
      </div>
      <div className="progress-track" role="progressbar" aria-labelledby={labelId} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value}>
        <div className="progress-fill" style={{ width: `${value}%` }} />
      </div>
      <p className="muted writer-line" aria-live="polite">
        <Sparkles aria-hidden="true" size={14} />
        {plan.status === "ready" ? `Written by ${writerName(plan.writer)}` : plan.writer ? `${writerName(plan.writer)} is writing…` : "Writing…"}
      </p>
    </div>
  );
}

/** One step of the page: open while there is no plan yet, folded to a line once there is. */
function Step({
  number,
  title,
  summary,
  startOpen,
  folds,
  children,
}: {
  number: number;
  title: string;
  summary: string;
  startOpen: boolean;
  /** Counts the times the page folded its steps (a plan was asked for). */
  folds: number;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(startOpen);
  useEffect(() => {
    if (folds > 0) setOpen(false);
  }, [folds]);
  const bodyId = useId();
  const titleId = useId();
  return (
    <section className="plan-step" aria-labelledby={titleId} data-open={open || undefined}>
      <div className="step-head">
        <span className="step-number" aria-hidden="true">
          {number}
        </span>
        <div className="step-title">
          <h2 id={titleId}>{title}</h2>
          {!open && <p className="muted step-summary">{summary}</p>}
        </div>
        <button
          type="button"
          className="step-toggle"
          aria-label={`${open ? "Hide" : "Show"} ${title}`}
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">{open ? "Hide" : "Show"}</span>
          <ChevronDown aria-hidden="true" size={16} />
        </button>
      </div>
      <div id={bodyId} className="step-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
