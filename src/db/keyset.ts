import { and, type Column, eq, lt, or, type SQL } from "drizzle-orm";

/** Where a page ends: the sort key (createdAt, id) of its last row. */
export type Position = { at: Date; id: string };

/**
 * Newest-first keyset paging on (createdAt, id), shared by every cursor-paginated list: pages
 * never skip or repeat a row, however many rows arrive meanwhile.
 */
export function olderThan(createdAt: Column, id: Column, after: Position | undefined): SQL | undefined {
  if (!after) return undefined;
  return or(lt(createdAt, after.at), and(eq(createdAt, after.at), lt(id, after.id)));
}

/** Cuts the `limit + 1` rows fetched into one page and the position the next page starts after (null on the last page). */
export function toPage<R extends { createdAt: Date; id: string }>(rows: R[], limit: number): { page: R[]; next: Position | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last ? { at: last.createdAt, id: last.id } : null };
}
