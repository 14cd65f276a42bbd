// Best times to post, per account: a weekday × hour heatmap of expected engagement rate in
// the account's time zone and the suggested slots, best first. With too little history the
// answer is the network's usual good times, and the page says so.
import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { WEEKDAYS, type Account } from "../accounts/api";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { useBestTimes } from "./api";
import { formatRate } from "./format";
import { cellDescription, confidenceLabel, heatCells, heatColor, hourLabel, priorMessage, slotName } from "./heatmap";
import { ListSkeleton } from "./TopPosts";
import { UseBestTimes } from "./UseBestTimes";

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export function BestTimes({ workspaceId, accounts, canApply }: { workspaceId: string; accounts: Account[]; canApply: boolean }) {
  const id = useId();
  const [chosen, setChosen] = useState("");
  const account = accounts.find((a) => a.id === chosen) ?? accounts[0];
  const best = useBestTimes(workspaceId, account?.id ?? "");
  const data = best.data;
  const zone = data?.timezone ?? account?.timezone ?? "";
  return (
    <section className="analytics-card best-times" aria-labelledby={id} aria-busy={best.isFetching || undefined}>
      <div className="card-head">
        <h2 id={id}>Best times to post</h2>
        {accounts.length > 0 && (
          <label className="inline-select">
            <span>Account</span>
            <select value={account?.id ?? ""} onChange={(e) => setChosen(e.target.value)}>
              {accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {networkLabel(a.network)} · {a.display_name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!account && (
        <p className="empty-note">
          <Link to="/accounts">Connect an account</Link> to see when its audience engages most.
        </p>
      )}
      {account && best.isPending && <ListSkeleton rows={4} />}
      {best.isError && <p role="alert">Could not load the best times: {best.error.message}</p>}
      {account && data && (
        <>
          {data.source === "prior" ? (
            <p className="best-note" role="note">
              <NetworkIcon network={data.network} size={16} /> {priorMessage(data.message, networkLabel(data.network))}
            </p>
          ) : (
            <p className="muted">
              From {data.posts_considered} {data.posts_considered === 1 ? "post" : "posts"} of {account.display_name}, in{" "}
              {zone.replace(/_/g, " ")} time.
              {data.message ? ` ${data.message}` : ""}
            </p>
          )}
          <div className="best-layout">
            <Heatmap heatmap={data.heatmap} slots={data.slots} zone={zone} name={account.display_name} />
            <div className="best-slots">
              <h3>Suggested times</h3>
              {data.slots.length === 0 ? (
                <p className="muted">No suggestion yet.</p>
              ) : (
                <ol aria-label={`Suggested times for ${account.display_name}`}>
                  {data.slots.map((slot) => (
                    <li key={`${slot.weekday}-${slot.hour}`}>
                      <strong>{slotName(slot)}</strong>
                      <span className="muted">
                        {formatRate(slot.expected_engagement_rate)} expected · {slot.posts} {slot.posts === 1 ? "post" : "posts"} ·{" "}
                        {confidenceLabel(slot.confidence)}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
              {canApply ? (
                <UseBestTimes key={account.id} workspaceId={workspaceId} account={account} />
              ) : (
                <p className="muted">An admin can make these the account's posting times.</p>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function Heatmap({
  heatmap,
  slots,
  zone,
  name,
}: {
  heatmap: (number | null)[][];
  slots: Parameters<typeof heatCells>[1];
  zone: string;
  name: string;
}) {
  const rows = heatCells(heatmap, slots);
  return (
    <div className="heatmap-wrap">
      <table className="heatmap">
        <caption className="visually-hidden">
          Expected engagement rate of {name} by weekday and hour, {zone.replace(/_/g, " ")} time
        </caption>
        <thead>
          <tr>
            <td />
            {HOURS.map((hour) => (
              <th key={hour} scope="col" className={hour % 6 === 0 ? "hour-major" : hour % 3 === 0 ? "hour-minor" : "hour-hidden"}>
                <span>{hourLabel(hour)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, weekday) => (
            <tr key={weekday}>
              <th scope="row">
                <abbr title={WEEKDAYS[weekday]}>{WEEKDAYS[weekday].slice(0, 3)}</abbr>
              </th>
              {row.map((cell) => (
                <td
                  key={cell.hour}
                  className={cell.rank ? "heat-cell heat-best" : "heat-cell"}
                  style={{ background: heatColor(cell.level) }}
                  title={cellDescription(cell)}
                >
                  {cell.rank && (
                    <span className="heat-rank" aria-hidden="true">
                      {cell.rank}
                    </span>
                  )}
                  <span className="visually-hidden">{cellDescription(cell)}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="heat-legend muted" aria-hidden="true">
        <span>Lower</span>
        <span className="heat-scale" />
        <span>Higher engagement</span>
      </p>
    </div>
  );
}
