// Impressions, engagements or followers per day over the range (recharts), with the same
// numbers as a table for anyone who cannot read a chart. A metric no network in scope
// gives says so instead of drawing a flat zero line.
import { useId, useState } from "react";
import { Area, Bar, CartesianGrid, ComposedChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, missingOn, notAvailable } from "./format";
import { shortDay } from "./ranges";
import type { SeriesPoint, Summary } from "./types";

const SERIES = [
  { key: "impressions", label: "Impressions" },
  { key: "engagements", label: "Engagements" },
  { key: "followers", label: "Followers" },
] as const;
type SeriesKey = (typeof SERIES)[number]["key"];

/** The accent colour from the stylesheet (SVG attributes cannot read CSS variables). */
function accent(): string {
  if (typeof document === "undefined") return "#4b3fd6";
  return getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() || "#4b3fd6";
}

/** Whether the series has any number for `key` (all null: no network in scope gives it). */
export function hasSeries(series: SeriesPoint[], key: SeriesKey): boolean {
  return series.some((point) => typeof point[key] === "number");
}

export function TrendChart({ summary }: { summary: Summary }) {
  const id = useId();
  const [metric, setMetric] = useState<SeriesKey>("impressions");
  const label = SERIES.find((s) => s.key === metric)!.label;
  const series = summary.series;
  const available = hasSeries(series, metric);
  const color = accent();
  const missing = missingOn(summary.networks, metric);
  const total = metric === "followers" ? null : series.reduce((sum, p) => sum + (p[metric] ?? 0), 0);
  return (
    <section className="analytics-card trend" aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>Over time</h2>
        <div className="segmented" role="group" aria-label="Metric on the chart">
          {SERIES.map((s) => (
            <button key={s.key} type="button" aria-pressed={metric === s.key} onClick={() => setMetric(s.key)}>
              {s.label}
            </button>
          ))}
        </div>
      </div>
      {!available ? (
        <p className="chart-empty">
          {series.length === 0 || summary.networks.length === 0
            ? "Nothing published in these dates yet: publish a post and its numbers appear here within the hour."
            : `${label}: ${notAvailable(missing.length ? missing : summary.networks.map((n) => n.network))}.`}
        </p>
      ) : (
        <figure className="chart" aria-labelledby={`${id}-caption`}>
          <figcaption id={`${id}-caption`} className="visually-hidden">
            {label} per day{total !== null ? `, ${formatCount(total)} in all` : ""}
          </figcaption>
          <div className="chart-box" role="img" aria-label={`${label} per day chart`}>
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <defs>
                  <linearGradient id={`${id}-fill`} x1="0" y1="0" x2="0" y2="1">
                    <stop offset="0%" stopColor={color} stopOpacity={0.28} />
                    <stop offset="100%" stopColor={color} stopOpacity={0.02} />
                  </linearGradient>
                </defs>
                <CartesianGrid vertical={false} stroke="#e6e6ef" />
                <XAxis dataKey="date" tickFormatter={(d: string) => shortDay(d)} tickLine={false} axisLine={false} minTickGap={24} fontSize={12} />
                <YAxis
                  tickFormatter={(v: number) => formatCount(v)}
                  tickLine={false}
                  axisLine={false}
                  width={48}
                  fontSize={12}
                  allowDecimals={false}
                  domain={metric === "followers" ? ["auto", "auto"] : [0, "auto"]}
                />
                {/* Posts published each day, faint behind the line: what moved it. */}
                <YAxis yAxisId="posts" hide allowDecimals={false} domain={[0, (max: number) => Math.max(4, max * 3)]} />
                <Bar yAxisId="posts" dataKey="posts" name="Posts published" fill="#d9d9e6" radius={[3, 3, 0, 0]} maxBarSize={18} isAnimationActive={false} />
                <Tooltip
                  formatter={(value, name) => [typeof value === "number" ? formatCount(value) : "—", name]}
                  labelFormatter={(d) => shortDay(String(d))}
                />
                <Area
                  type="monotone"
                  dataKey={metric}
                  name={label}
                  stroke={color}
                  strokeWidth={2}
                  fill={`url(#${id}-fill)`}
                  connectNulls={metric === "followers"}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <p className="chart-key muted" aria-hidden="true">
            <span className="key-line" style={{ background: color }} /> {label} <span className="key-bar" /> Posts published
          </p>
          <details className="chart-table">
            <summary>Show the numbers</summary>
            <table className="table">
              <caption className="visually-hidden">{label} per day</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Posts</th>
                  <th scope="col">{label}</th>
                </tr>
              </thead>
              <tbody>
                {series.map((point) => (
                  <tr key={point.date}>
                    <th scope="row">{shortDay(point.date)}</th>
                    <td>{point.posts}</td>
                    <td>{point[metric] === null ? "—" : formatCount(point[metric] as number)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </figure>
      )}
    </section>
  );
}
