import { hostname } from "node:os";
import { and, gt, ne, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { serverProcesses } from "../db/schema";
import { type ListenerSession, tagSetting } from "./listener-session";

/**
 * The `server_processes` table: who may be holding cached keys. Each process upserts its row on its
 * listener session (the heartbeat); a process that ends keys reads the recent rows to know whose
 * confirmation to wait for.
 */

/** Rows unseen this long belong to processes long gone; any process may delete them. */
const FORGET_AFTER = "1 hour";

/**
 * Upserts this process's row and returns the listener session's tag: a different tag (or none)
 * means the query ran on a session that is not (or no longer) the listening one.
 */
export async function heartbeat(session: ListenerSession, processId: string): Promise<string | undefined> {
  const [row] = await session.query(
    `insert into server_processes (id, host, pid, started_at, seen_at) values ($1, $2, $3, now(), now())
     on conflict (id) do update set seen_at = now()
     returning current_setting('${tagSetting(processId)}', true) as tag`,
    [processId, hostname(), process.pid],
  );
  return (row?.tag as string | null) ?? undefined;
}

export async function forgetGone(session: ListenerSession): Promise<void> {
  await session.query(`delete from server_processes where seen_at < now() - interval '${FORGET_AFTER}'`, []);
}

export async function deregister(session: ListenerSession, processId: string): Promise<void> {
  await session.query("delete from server_processes where id = $1", [processId]);
}

/**
 * Other processes seen within `withinMs` (database time on both sides, so the servers' clocks do not
 * matter). The window is wider than the lease, so a process that is still trusting its cache is
 * always in it, even if the database's clock stepped forward by up to a lease in between.
 */
export async function recentPeers(db: Db, processId: string, withinMs: number): Promise<string[]> {
  const rows = await db
    .select({ id: serverProcesses.id })
    .from(serverProcesses)
    .where(and(ne(serverProcesses.id, processId), gt(serverProcesses.seenAt, sql`now() - ${withinMs} * interval '1 millisecond'`)));
  return rows.map((r) => r.id);
}
