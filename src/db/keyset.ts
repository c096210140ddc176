import { and, eq, lt, or, type Column, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../http/cursor";

/**
 * Newest-first keyset paging on (createdAt, id), shared by every cursor-paginated list: pages
 * never skip or repeat a row, however many rows arrive meanwhile.
 */
export function olderThanCursor(createdAt: Column, id: Column, cursor: string | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const after = decodeCursor(cursor);
  return or(lt(createdAt, after.at), and(eq(createdAt, after.at), lt(id, after.id)));
}

/** Cuts the `limit + 1` rows fetched into one page and the cursor of the next (null on the last page). */
export function toPage<R extends { createdAt: Date; id: string }>(rows: R[], limit: number): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
}
