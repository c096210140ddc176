/** How the page shows a key it no longer knows: the fixed prefix, dots, and the last 4 characters. */
export const keyDisplay = (prefix: string, hint: string) => `${prefix}••••${hint}`;

/** The seed page's "Using a key" line, for this deployment and project. */
export const curlLine = (projectId: string) =>
  `curl -sS "${location.origin}/projects/${projectId}/jobs" \\\n  -H "Authorization: Bearer $AZSCRAPER_API_KEY"`;

const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["week", 7 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "yesterday", ... */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / 60), "minute");
}

/** The full local date and time, for hover text. */
export const exactTime = (iso: string) => exact.format(new Date(iso));

/** The date only, for compact columns. */
export const shortDate = (iso: string) => day.format(new Date(iso));
