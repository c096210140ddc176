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

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** 1234 → "1,234" in the reader's locale. */
export const count = (n: number) => integer.format(n);

/** 2097152 → "2 MiB"; 1256 → "1.2 KiB". */
export function bytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${count(n)} bytes` : `${Number(value.toFixed(value < 10 ? 1 : 0))} ${units[unit]}`;
}

/** 341 → "341 ms"; 15000 → "15 s"; 95000 → "1 min 35 s". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** The time between two timestamps, or null when one is missing. */
export const between = (from: string | null, to: string | null) =>
  from && to ? duration(new Date(to).getTime() - new Date(from).getTime()) : null;
