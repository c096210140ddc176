import type { SQL } from "drizzle-orm";
import type { Db } from "./client";

/** The rows of a raw statement, typed: Drizzle's `execute` answers postgres.js's row array. */
export async function executeRows<R>(db: Db | { execute: Db["execute"] }, statement: SQL): Promise<R[]> {
  return (await db.execute(statement)) as unknown as R[];
}
