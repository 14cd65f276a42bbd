// The headline numbers of the range: impressions, engagements, engagement rate, followers
// and posts published, each with its change from the previous period. A metric no network
// in scope gives says which ("Not available on Bluesky"), never 0.
import { ArrowDownRight, ArrowUpRight, Minus } from "lucide-react";
import { delta, formatMetric, HEADLINE, listWords, missingOn, notAvailable, signed, type Delta } from "./format";
import { networkLabel } from "../components/NetworkIcon";
import type { Summary } from "./types";

export function HeadlineCards({ summary, compare }: { summary: Summary; compare: boolean }) {
  const { totals, previous_totals: previous, networks } = summary;
  const scopeNetworks = networks.map((n) => n.network);
  return (
    <ul className="stat-cards" aria-label="Headline numbers">
      {HEADLINE.map(({ key, label, kind }) => {
        const value = totals[key] as number | null;
        const missing = missingOn(networks, key);
        let change: Delta | null = null;
        let note: string | null = null;
        if (key === "followers") {
          const grew = totals.followers_change;
          if (grew !== null && grew !== undefined)
            change = {
              text: `${signed(grew)} in this period`,
              direction: grew > 0 ? "up" : grew < 0 ? "down" : "flat",
              spoken: `${signed(grew)} followers in this period`,
            };
        } else if (compare) {
          change = delta(value, previous[key] as number | null, kind);
        }
        if (value !== null && missing.length > 0 && missing.length < scopeNetworks.length) {
          note = `Without ${listWords(missing.map(networkLabel))}: not given there`;
        }
        if (key === "engagement_rate" && value !== null && totals.engagement_rate_basis === "followers") {
          note = "Per follower: no network in view gives impressions";
        }
        return (
          <li key={key} className="stat-card" data-metric={key}>
            <h3>{label}</h3>
            {value === null ? (
              <p className="stat-na">{notAvailable(missing.length ? missing : scopeNetworks)}</p>
            ) : (
              <p className="stat-value">{formatMetric(value, kind)}</p>
            )}
            {change && <DeltaLine change={change} />}
            {note && <p className="stat-note muted">{note}</p>}
          </li>
        );
      })}
    </ul>
  );
}

export function DeltaLine({ change }: { change: Delta }) {
  const Icon = change.direction === "up" ? ArrowUpRight : change.direction === "down" ? ArrowDownRight : Minus;
  return (
    <p className={`stat-delta delta-${change.direction}`}>
      <Icon size={14} aria-hidden="true" />
      <span aria-hidden="true">{change.text}</span>
      <span className="visually-hidden">{change.spoken}</span>
    </p>
  );
}
