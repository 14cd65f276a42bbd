// Writing help: POST /v1/workspaces/{ws}/ai/assist, and what the composer does with it.
import { api } from "../api/client";

export type AssistAction = "rewrite" | "tone" | "hashtags" | "first_comment";
export type Tone = "neutral" | "educational" | "promotional" | "playful";

export const TONES: { value: Tone; label: string }[] = [
  { value: "neutral", label: "Neutral" },
  { value: "educational", label: "Educational" },
  { value: "promotional", label: "Promotional" },
  { value: "playful", label: "Playful" },
];

export interface AssistBody {
  action: AssistAction;
  text: string;
  networks: string[];
  tone?: Tone;
}

export interface Suggestion {
  network: string;
  text: string;
  hashtags: string[];
  goal: "shorter" | "longer" | "tone" | null;
  count: number;
  limit: number;
  cut: boolean;
}

export interface AssistResult {
  writer: string;
  action: AssistAction;
  suggestions: Suggestion[];
  skipped: { network: string; reason: string }[];
  credits: number;
}

export function assist(workspaceId: string, body: AssistBody): Promise<AssistResult> {
  return api<AssistResult>(`/v1/workspaces/${encodeURIComponent(workspaceId)}/ai/assist`, { method: "POST", body });
}

/** Who wrote the text, said plainly: the offline writer, or Bedrock and its model. */
export function writerLabel(writer: string): string {
  if (writer === "offline") return "Written by Schedulo's built-in writer (templates, no AI model)";
  if (writer.startsWith("bedrock:")) return `Written by Amazon Bedrock (${writer.slice("bedrock:".length)})`;
  return `Written by ${writer}`;
}

/** The heading of one suggestion: "Shorter for X", "Longer for LinkedIn", "Hashtags for Instagram". */
export function suggestionTitle(action: AssistAction, suggestion: Suggestion, networkName: string): string {
  if (action === "hashtags") return `Hashtags for ${networkName}`;
  if (action === "first_comment") return `First comment for ${networkName}`;
  if (suggestion.goal === "shorter") return `Shorter for ${networkName}`;
  if (suggestion.goal === "longer") return `Longer for ${networkName}`;
  return `New tone for ${networkName}`;
}

/** A suggestion used for one network: the own text of each chosen account on it. */
export function variantsFor(accounts: { id: string; network: string }[], network: string, text: string): Record<string, string> {
  return Object.fromEntries(accounts.filter((a) => a.network === network).map((a) => [a.id, text]));
}

/** The distinct networks of the chosen accounts, in the order they were chosen. */
export function networksOf(accounts: { network: string }[]): string[] {
  return [...new Set(accounts.map((a) => a.network))];
}
