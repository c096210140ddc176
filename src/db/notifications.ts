import { PGlite } from "@electric-sql/pglite";
import type postgres from "postgres";
import type { Db } from "./client";

/**
 * LISTENs on `channel` for the life of the process, on either driver: postgres.js keeps one
 * connection for its listeners and re-LISTENs after a reconnect; PGlite delivers in process.
 * Returns the function that stops listening. Channel names are our own constants, never input.
 */
export async function listen(db: Db, channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (client instanceof PGlite) return client.listen(channel, onPayload);
  const { unlisten } = await (client as postgres.Sql).listen(channel, onPayload);
  return unlisten;
}
