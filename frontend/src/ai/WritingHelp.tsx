// The composer's writing help: rewrite the text for each selected network (shorter for X,
// longer for LinkedIn), change its tone, suggest hashtags or a first comment. Each
// suggestion arrives already checked against its network's count; using one gives that
// network's accounts their own text (or fills the first comment). The panel says which
// writer wrote the suggestions.
import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ApiError } from "../api/client";
import { NetworkIcon } from "../components/NetworkIcon";
import { assist, networksOf, suggestionTitle, TONES, variantsFor, writerLabel, type AssistAction, type AssistBody, type AssistResult, type Tone } from "./api";
import "./ai.css";

export function WritingHelp({
  workspaceId,
  text,
  accounts,
  networkNames,
  onVariants,
  onFirstComment,
}: {
  workspaceId: string;
  /** The text all accounts share. */
  text: string;
  /** The chosen accounts. */
  accounts: { id: string; network: string }[];
  networkNames: Record<string, string>;
  /** Own texts for some accounts ({account id: text}). */
  onVariants: (texts: Record<string, string>) => void;
  onFirstComment: (text: string) => void;
}) {
  const ids = useId();
  const [tone, setTone] = useState<Tone>("playful");
  const [used, setUsed] = useState<Set<string>>(new Set());
  const networks = networksOf(accounts);
  const help = useMutation<AssistResult, Error, AssistBody>({
    mutationFn: (body) => assist(workspaceId, body),
    onMutate: () => setUsed(new Set()),
  });
  const empty = !text.trim();
  const why = networks.length === 0 ? "Choose an account first." : empty ? "Write some text first: the help works on what is there." : null;

  function ask(action: AssistAction) {
    help.mutate({ action, text, networks, ...(action === "tone" ? { tone } : {}) });
  }

  function use(action: AssistAction, network: string, value: string) {
    if (action === "first_comment") onFirstComment(value);
    else onVariants(variantsFor(accounts, network, value));
    setUsed((current) => new Set(current).add(network));
  }

  const name = (network: string) => networkNames[network] ?? network;
  const busy = help.isPending;
  const pending = busy ? help.variables?.action : null;
  const result = help.data;
  return (
    <section className="writing-help" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Writing help</h2>
      <div className="writing-help-actions" role="group" aria-label="Writing help" aria-describedby={why ? `${ids}-why` : undefined}>
        <button type="button" disabled={!!why || busy} aria-busy={pending === "rewrite"} onClick={() => ask("rewrite")}>
          {pending === "rewrite" ? "Writing…" : "Rewrite for each network"}
        </button>
        <span className="writing-help-tone">
          <label htmlFor={`${ids}-tone`} className="visually-hidden">
            Tone
          </label>
          <select id={`${ids}-tone`} value={tone} onChange={(e) => setTone(e.target.value as Tone)} disabled={busy}>
            {TONES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
          <button type="button" disabled={!!why || busy} aria-busy={pending === "tone"} onClick={() => ask("tone")}>
            {pending === "tone" ? "Writing…" : "Change tone"}
          </button>
        </span>
        <button type="button" disabled={!!why || busy} aria-busy={pending === "hashtags"} onClick={() => ask("hashtags")}>
          {pending === "hashtags" ? "Writing…" : "Suggest hashtags"}
        </button>
        <button type="button" disabled={!!why || busy} aria-busy={pending === "first_comment"} onClick={() => ask("first_comment")}>
          {pending === "first_comment" ? "Writing…" : "Suggest a first comment"}
        </button>
      </div>
      {why && (
        <p id={`${ids}-why`} className="muted">
          {why}
        </p>
      )}
      {help.isError && (
        <p role="alert" className="writing-help-error">
          {help.error instanceof ApiError ? help.error.message : "The writing help could not be reached; try again."}
        </p>
      )}
      {result && !busy && (
        <div className="writing-help-results" aria-live="polite">
          <ul className="suggestions" aria-label="Suggestions">
            {result.suggestions.map((s) => {
              const title = suggestionTitle(result.action, s, name(s.network));
              return (
                <li key={s.network} className="suggestion" aria-label={title}>
                  <div className="suggestion-head">
                    <NetworkIcon network={s.network} size={18} />
                    <strong>{title}</strong>
                    <span className="suggestion-count" title={`${name(s.network)} counts it as ${s.count} of ${s.limit}`}>
                      {s.count} / {s.limit}
                    </span>
                  </div>
                  <p className="suggestion-text">{s.text}</p>
                  {s.cut && <p className="muted">Shortened at a word to fit {name(s.network)}.</p>}
                  <button type="button" onClick={() => use(result.action, s.network, s.text)} disabled={used.has(s.network)}>
                    {used.has(s.network)
                      ? "Used"
                      : result.action === "first_comment"
                        ? "Use as first comment"
                        : `Use for ${name(s.network)}`}
                  </button>
                </li>
              );
            })}
          </ul>
          {result.skipped.map((s) => (
            <p key={s.network} className="muted">
              {name(s.network)}: {s.reason}.
            </p>
          ))}
          <p className="writing-help-writer">
            {writerLabel(result.writer)} · {result.credits} AI credit{result.credits === 1 ? "" : "s"}
          </p>
        </div>
      )}
    </section>
  );
}
