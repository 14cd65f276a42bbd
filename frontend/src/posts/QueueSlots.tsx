// An account's posting times (its queue's weekly slots), edited on the Queue page: add or
// remove a time on any weekday; each change is saved at once with the account's slots
// endpoint. Times are wall times of the account's zone, which the heading names.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, X } from "lucide-react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { normaliseSlots, WEEKDAYS, type Account, type Slot } from "../accounts/api";
import { errorMessage } from "../components/Toasts";
import { TimeZoneField } from "../components/TimeZoneField";
import { UseBestTimes } from "../analytics/UseBestTimes";
import { differsFromBrowser, zoneAbbreviation } from "../time/zoned";
import { clockLabel, sameZone } from "./dates";

/** "9:00 AM" (or "09:00", as the browser's locale writes it) for a slot's "HH:MM". */
export function slotLabel(time: string): string {
  const [hour, minute] = time.split(":").map(Number);
  return clockLabel(hour, minute);
}

/** "America/New_York (EST)", and whether the browser is elsewhere. */
export function zoneHeading(zone: string): string {
  const short = zoneAbbreviation(zone);
  return short && short !== zone ? `${zone.replace(/_/g, " ")} (${short})` : zone.replace(/_/g, " ");
}

export function QueueSlots({
  account,
  workspaceId,
  workspaceZone,
  canEdit,
}: {
  account: Account;
  workspaceId: string;
  /** The workspace's zone: an account in another one is offered it. */
  workspaceZone?: string;
  canEdit: boolean;
}) {
  const queryClient = useQueryClient();
  const headingId = useId();
  const [slots, setSlots] = useState<Slot[]>(() => normaliseSlots(account.slots));
  const [adding, setAdding] = useState<number | null>(null);
  const [status, setStatus] = useState("");
  // The saved slots from the server replace the local ones once nothing is being saved.
  const pending = useRef(0);
  useEffect(() => {
    if (pending.current === 0) setSlots(normaliseSlots(account.slots));
  }, [account.slots]);

  const [zoneOpen, setZoneOpen] = useState(false);
  const [zoneDraft, setZoneDraft] = useState(account.timezone);
  const path = `/v1/workspaces/${workspaceId}/accounts/${account.id}`;
  const save = useMutation({
    meta: { toast: false },
    mutationFn: (next: Slot[] | { timezone: string }) =>
      api<Account>(path, { method: "PATCH", body: Array.isArray(next) ? { slots: next } : next }),
    onMutate: () => {
      pending.current += 1;
      setStatus("Saving…");
    },
    onSuccess: (_saved, next) => {
      if (Array.isArray(next)) setStatus("Posting times saved.");
      else {
        setStatus(`Time zone saved: ${next.timezone.replace(/_/g, " ")}.`);
        setZoneOpen(false);
      }
    },
    onError: (error) => {
      const field = error instanceof ApiError ? error.fieldMessage("slots") : undefined;
      setStatus(`Not saved: ${field ?? errorMessage(error)}`);
    },
    onSettled: async () => {
      pending.current -= 1;
      await queryClient.invalidateQueries({ queryKey: ["accounts", workspaceId] });
      await queryClient.invalidateQueries({ queryKey: ["queue", workspaceId, account.id] });
    },
  });

  function change(next: Slot[]) {
    const normal = normaliseSlots(next);
    setSlots(normal);
    save.mutate(normal);
  }

  const zone = account.timezone;
  return (
    <section className="queue-slots" aria-labelledby={headingId}>
      <div className="queue-slots-head">
        <h3 id={headingId}>Posting times</h3>
        <p className="muted">
          In {zoneHeading(zone)}
          {differsFromBrowser(zone) && <>, not your computer's time zone</>}.{" "}
          {canEdit ? "Changes save as you make them." : "An admin can change them."}
        </p>
        {canEdit && workspaceZone && !sameZone(zone, workspaceZone) && !zoneOpen && (
          <p className="slot-zone-offer">
            The workspace is in {zoneHeading(workspaceZone)}.{" "}
            <button type="button" disabled={save.isPending} onClick={() => save.mutate({ timezone: workspaceZone })}>
              Use {workspaceZone.replace(/_/g, " ")}
            </button>
          </p>
        )}
        {canEdit &&
          (zoneOpen ? (
            <form
              className="slot-zone-form"
              aria-label={`Time zone of ${account.display_name}`}
              onSubmit={(e) => {
                e.preventDefault();
                save.mutate({ timezone: zoneDraft });
              }}
            >
              <TimeZoneField value={zoneDraft} onChange={setZoneDraft} error={save.error} label="Account's time zone" />
              <div className="slot-new-actions">
                <button type="submit" className="primary" disabled={save.isPending}>
                  Save time zone
                </button>
                <button type="button" onClick={() => setZoneOpen(false)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <button
              type="button"
              className="link-like"
              onClick={() => {
                setZoneDraft(zone);
                setZoneOpen(true);
              }}
            >
              Change time zone
            </button>
          ))}
        {canEdit && <UseBestTimes workspaceId={workspaceId} account={account} />}
      </div>
      <div className="slot-week">
        {WEEKDAYS.map((day, weekday) => {
          const times = slots.filter((slot) => slot.weekday === weekday);
          return (
            <div key={day} className="slot-day" role="group" aria-label={day}>
              <h4>
                <abbr title={day}>{day.slice(0, 3)}</abbr>
              </h4>
              <div className="slot-line">
                <ul className="slot-times" aria-label={`Posting times on ${day}`}>
                  {times.map((slot) => (
                    <li key={slot.time} className="slot-chip">
                      <time dateTime={slot.time}>{slotLabel(slot.time)}</time>
                      {canEdit && (
                        <button
                          type="button"
                          className="slot-remove"
                          aria-label={`Remove ${day} ${slotLabel(slot.time)}`}
                          onClick={() => change(slots.filter((s) => s !== slot))}
                        >
                          <X size={14} aria-hidden="true" />
                        </button>
                      )}
                    </li>
                  ))}
                  {times.length === 0 && <li className="slot-none muted">No posts</li>}
                </ul>
                {canEdit &&
                  (adding === weekday ? (
                    <AddTime
                      day={day}
                      onAdd={(time) => {
                        change([...slots, { weekday, time }]);
                        setAdding(null);
                      }}
                      onCancel={() => setAdding(null)}
                    />
                  ) : (
                    <button type="button" className="slot-add" aria-label={`Add a time on ${day}`} onClick={() => setAdding(weekday)}>
                      <Plus size={14} aria-hidden="true" /> Add
                    </button>
                  ))}
              </div>
            </div>
          );
        })}
      </div>
      <p role="status" className={status.startsWith("Not saved") ? "field-error" : "muted slot-status"}>
        {status}
      </p>
    </section>
  );
}

function AddTime({ day, onAdd, onCancel }: { day: string; onAdd: (time: string) => void; onCancel: () => void }) {
  const [time, setTime] = useState("09:00");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) onAdd(time);
  }
  return (
    <form className="slot-new" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && onCancel()}>
      <input
        ref={input}
        type="time"
        required
        value={time}
        aria-label={`New time on ${day}`}
        onChange={(e) => setTime(e.target.value.slice(0, 5))}
      />
      <div className="slot-new-actions">
        <button type="submit" className="primary">
          Add
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
