// Small pieces the collaboration panels share.

export function Avatar({ name, small = false }: { name: string; small?: boolean }) {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join("");
  return (
    <span className={small ? "avatar avatar-small" : "avatar"} aria-hidden="true">
      {initials || "·"}
    </span>
  );
}

/** A moment as "5 Dec, 11:20", with the full time on hover. */
export function When({ at }: { at: string }) {
  const date = new Date(at);
  return (
    <time dateTime={at} title={date.toLocaleString()} className="muted">
      {date.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" })}
    </time>
  );
}
