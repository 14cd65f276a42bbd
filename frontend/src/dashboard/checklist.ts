// The first-run checklist: what a new workspace still has to set up, ticked from real data.

export interface SetupFacts {
  /** Accounts connected (any status but disconnected). */
  accounts: number;
  /** Whether any account's posting times were changed from a new account's. */
  customSlots: boolean;
  /** Posts written (drafts included). */
  posts: number;
  /** Other members of the workspace plus invitations still pending. */
  teammates: number;
}

export type StepId = "connect" | "times" | "post" | "invite";

export interface Step {
  id: StepId;
  title: string;
  hint: string;
  /** Where to do it, and the link's words. */
  to: string;
  action: string;
  done: boolean;
}

export function setupSteps(facts: SetupFacts): Step[] {
  return [
    {
      id: "connect",
      title: "Connect an account",
      hint: "X, LinkedIn, Instagram, Facebook Pages and more.",
      to: "/accounts",
      action: "Connect an account",
      done: facts.accounts > 0,
    },
    {
      id: "times",
      title: "Set your posting times",
      hint: "Pick when your queue publishes, in your own time zone.",
      to: "/queue",
      action: "Set posting times",
      done: facts.customSlots,
    },
    {
      id: "post",
      title: "Write your first post",
      hint: "Compose once, tailor it for each network, schedule it.",
      to: "/compose",
      action: "Write a post",
      done: facts.posts > 0,
    },
    {
      id: "invite",
      title: "Invite a teammate",
      hint: "Share the work: editors write, admins approve.",
      to: "/settings/members",
      action: "Invite a teammate",
      done: facts.teammates > 0,
    },
  ];
}

/** "2 of 4 done". */
export function progressText(steps: Step[]): string {
  return `${steps.filter((s) => s.done).length} of ${steps.length} done`;
}

const HIDDEN = "schedulo.setup-hidden.";

/** Whether this workspace's checklist was dismissed in this browser. */
export function checklistHidden(workspaceId: string, storage: Pick<Storage, "getItem"> = localStorage): boolean {
  try {
    return storage.getItem(HIDDEN + workspaceId) === "1";
  } catch {
    return false; // storage refused (private mode): show it
  }
}

export function hideChecklist(workspaceId: string, storage: Pick<Storage, "setItem"> = localStorage): void {
  try {
    storage.setItem(HIDDEN + workspaceId, "1");
  } catch {
    // storage refused: hidden for this visit only
  }
}

/** "1 post", "2 posts". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
