// The composer's suggestions: the next good times to post for the chosen accounts (from
// their best times, or their networks' usual ones while they have little history). A click
// schedules the post at that time, in the zone the suggestion is given in.
import { Sparkles } from "lucide-react";
import { wallTime } from "../posts/api";
import { formatInZone } from "../time/zoned";
import { useNextSlots } from "./api";
import { formatRate } from "./format";
import type { SuggestedSlot } from "./types";
import "./parts.css";

export function SuggestedSlots({
  workspaceId,
  accountIds,
  chosen,
  onPick,
}: {
  workspaceId: string;
  accountIds: string[];
  /** The time the post is set to now (wall time and zone), to mark a suggestion taken. */
  chosen?: { at: string; zone: string };
  onPick: (slot: SuggestedSlot, wall: string) => void;
}) {
  const next = useNextSlots(workspaceId, accountIds, 3);
  if (accountIds.length === 0 || next.isError) return null;
  if (next.isPending)
    return (
      <p className="suggested-slots muted" aria-hidden="true">
        Finding good times…
      </p>
    );
  const slots = next.data.filter((slot) => slot && typeof slot.at === "string" && typeof slot.timezone === "string");
  if (slots.length === 0) return null;
  const usual = slots.every((slot) => slot.source === "prior");
  return (
    <div className="suggested-slots">
      <p>
        <Sparkles size={14} aria-hidden="true" /> <strong>Suggested times</strong>{" "}
        <span className="muted">
          {usual ? "(usual good times: too few posts yet to learn your own)" : "(when these accounts' posts do best)"}
        </span>
      </p>
      <ul className="suggested-list" aria-label="Suggested times">
        {slots.map((slot) => {
          const wall = wallTime(slot.at, slot.timezone);
          const when = formatInZone(slot.at, slot.timezone);
          const rate = typeof slot.expected_engagement_rate === "number" ? formatRate(slot.expected_engagement_rate) : null;
          const taken = chosen?.at === wall && chosen.zone === slot.timezone;
          return (
            <li key={slot.at}>
              <button type="button" aria-pressed={taken} onClick={() => onPick(slot, wall)}>
                <span className="visually-hidden">Post at </span>
                {when}
                {rate && <span className="muted">{rate} expected</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
