import type { Position } from "../db/keyset";
import { ApiError } from "./errors";

/** A page position (the sort key of the last row seen) as clients see it: opaque base64url JSON. */
export const encodeCursor = (p: Position) =>
  Buffer.from(JSON.stringify([p.at.toISOString(), p.id])).toString("base64url");

export function decodeCursor(cursor: string): Position {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(at);
    if (typeof id === "string" && /^[0-9a-f]{24}$/.test(id) && !Number.isNaN(date.getTime())) return { at: date, id };
  } catch {
    // fall through to the client error below
  }
  throw new ApiError("validation_failed", "Parameter 'cursor' is not a cursor this API returned. Omit it to start from the first page.");
}
