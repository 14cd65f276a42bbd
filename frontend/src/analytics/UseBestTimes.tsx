// "Use best times": fill an account's posting times (its queue's weekly slots) from its best
// times in one action (POST .../analytics/best-times/apply), after saying what will change.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Sparkles } from "lucide-react";
import { useId, useState } from "react";
import type { Account } from "../accounts/api";
import { api } from "../api/client";
import { networkLabel } from "../components/NetworkIcon";
import { showToast } from "../components/Toasts";
import { analyticsPath, useBestTimes } from "./api";
import { priorMessage, slotName } from "./heatmap";
import "./parts.css";

export function UseBestTimes({ workspaceId, account }: { workspaceId: string; account: Account }) {
  const id = useId();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [perDay, setPerDay] = useState(2);
  const best = useBestTimes(workspaceId, open ? account.id : "");
  const apply = useMutation({
    mutationFn: () =>
      api<Account>(analyticsPath(workspaceId, "best-times/apply"), {
        method: "POST",
        body: { account_id: account.id, slots_per_day: perDay },
      }),
    onSuccess: async (saved) => {
      // The queue shows the new times at once; the lists are read again behind it.
      queryClient.setQueryData<{ items: Account[] }>(["accounts", workspaceId], (current) =>
        current ? { ...current, items: current.items.map((a) => (a.id === saved.id ? { ...a, ...saved } : a)) } : current,
      );
      setOpen(false);
      showToast(`Posting times of ${account.display_name} now follow its best times.`);
      await queryClient.invalidateQueries({ queryKey: ["accounts", workspaceId] });
      await queryClient.invalidateQueries({ queryKey: ["queue", workspaceId, account.id] });
    },
  });

  if (!open)
    return (
      <button type="button" className="use-best-times" aria-expanded={false} aria-controls={id} onClick={() => setOpen(true)}>
        <Sparkles size={15} aria-hidden="true" /> Use best times
      </button>
    );
  const top = best.data?.slots.slice(0, 3) ?? [];
  return (
    <div className="best-apply" id={id} role="group" aria-label={`Use the best times of ${account.display_name}`}>
      <p>
        Replace the posting times of <strong>{account.display_name}</strong> with the hours its posts do best, on every day of
        the week.
      </p>
      {best.isPending && <p className="muted">Finding its best times…</p>}
      {best.data?.source === "prior" && <p className="best-note">{priorMessage(best.data.message, networkLabel(account.network))}</p>}
      {top.length > 0 && (
        <p className="muted">
          Best: {top.map((slot) => slotName(slot)).join(", ")}
        </p>
      )}
      <label className="inline-select">
        <span>Times per day</span>
        <select value={perDay} onChange={(e) => setPerDay(Number(e.target.value))}>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={apply.isPending} onClick={() => apply.mutate()}>
          {apply.isPending ? "Saving…" : "Replace posting times"}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
