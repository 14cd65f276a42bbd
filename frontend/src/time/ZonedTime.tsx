import { formatInZone, DATE_TIME } from "./zoned";

/**
 * A `<time>` showing the instant `at` in `zone` (an account's, a post's), labelled with the
 * zone's abbreviation when it is not the browser's; the zone's full name is its tooltip.
 */
export function ZonedTime({
  at,
  zone,
  options = DATE_TIME,
  className,
}: {
  at: string;
  zone: string;
  options?: Intl.DateTimeFormatOptions;
  className?: string;
}) {
  return (
    <time dateTime={at} title={zone} className={className}>
      {formatInZone(at, zone, options)}
    </time>
  );
}
