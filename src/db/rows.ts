import type { SQL } from "drizzle-orm";
import type { Db } from "./client";

/** The rows of a raw statement: postgres.js answers an array, PGlite `{ rows }`. */
export async function executeRows<R>(db: Db | { execute: Db["execute"] }, statement: SQL): Promise<R[]> {
  const result = (await db.execute(statement)) as unknown as R[] | { rows: R[] };
  return Array.isArray(result) ? result : result.rows;
}
