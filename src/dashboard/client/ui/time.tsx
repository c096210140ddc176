import { exactTime, relativeTime, shortDate } from "../format";

/** A timestamp as "5 minutes ago" (or the date alone), with the exact local time on hover. */
export function Time({ iso, style = "relative" }: { iso: string; style?: "relative" | "date" | "exact" }) {
  const shown = style === "relative" ? relativeTime(iso) : style === "date" ? shortDate(iso) : exactTime(iso);
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {shown}
    </time>
  );
}
