import type { Position } from "../db/keyset";
import { ApiError } from "./errors";

/** A page position (the sort key of the last row seen) as clients see it: opaque base64url JSON. */
export const encodeCursor = (p: Position) => Buffer.from(JSON.stringify([p.at.toISOString(), p.id])).toString("base64url");

/**
 * Only the form `encodeCursor` writes: a four-digit year from 0001, which PostgreSQL can compare.
 * JavaScript dates reach year ±275760 (written "+275760-..."); PostgreSQL cannot parse those.
 */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function decodeCursor(cursor: string): Position {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at === "string" && ISO_INSTANT.test(at) && typeof id === "string" && /^[0-9a-f]{24}$/.test(id)) {
      const date = new Date(at);
      // The round trip refuses impossible dates such as February 30th.
      if (!Number.isNaN(date.getTime()) && date.toISOString() === at) return { at: date, id };
    }
  } catch {
    // fall through to the client error below
  }
  throw new ApiError("invalid_cursor", "Parameter 'cursor' is not a cursor this API returned. Omit it to start from the first page.");
}
