import type postgres from "postgres";
import type { Db } from "./client";

/**
 * LISTENs on `channel` for the life of the process: postgres.js keeps one connection for its
 * listeners and re-LISTENs after a reconnect. Returns the function that stops listening. Channel
 * names are our own constants, never input.
 */
export async function listen(db: Db, channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
  const client = (db as unknown as { $client: postgres.Sql }).$client;
  const { unlisten } = await client.listen(channel, onPayload);
  return unlisten;
}
