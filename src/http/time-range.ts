import { DAY_MS } from "../clock";
import { ApiError } from "./errors";

/** A query parameter in date-time form, as a Date PostgreSQL can store (years 1 to 9999). */
export function instantParameter(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) {
    throw new ApiError("validation_failed", `Parameter '${name}' must be a date-time such as 2026-06-01T00:00:00.000Z.`);
  }
  return date;
}

/**
 * `from` and `to` as given, `to` defaulting to `now` and `from` to `defaultDays` before `to`;
 * refuses a reversed range, and one longer than `maxDays` when that is given.
 */
export function timeRange(
  query: { from?: string; to?: string },
  now: Date,
  defaultDays: number,
  maxDays?: number,
): { from: Date; to: Date } {
  const to = instantParameter("to", query.to) ?? now;
  const from = instantParameter("from", query.from) ?? new Date(to.getTime() - defaultDays * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    throw new ApiError("validation_failed", "Parameter 'from' must be earlier than 'to'.");
  }
  if (maxDays !== undefined && to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw new ApiError("validation_failed", `The range from 'from' to 'to' can span at most ${maxDays} days; ask for several ranges.`);
  }
  return { from, to };
}
