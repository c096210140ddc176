import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

/** The Drizzle database, whichever driver is underneath. Services only ever see this type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; accepted wherever a `Db` is used for queries. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type Database = {
  db: Db;
  /** "embedded": the PostgreSQL the server started itself (no DATABASE_URL). */
  kind: "postgres" | "embedded";
  /** Resolves when a trivial query succeeds; used by `/ready`. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

/** A real PostgreSQL through postgres.js. */
export function openPostgres(url: string): Database {
  const client = postgres(url, {
    max: 10,
    // Fail fast when the database is down instead of queueing requests until they time out:
    // a request waits at most one connect attempt (3 s) or one short back-off, never postgres.js's
    // default back-off, which grows to 20 s and holds every queued query that long.
    connect_timeout: 3,
    backoff: (retries: number) => Math.min(0.05 * retries, 0.5),
    idle_timeout: 60,
    // Recycle connections every 30 s: postgres.js throughput on one connection decays as it ages
    // (the bench lost about 25% with 10-minute lifetimes); a reconnect costs a few milliseconds.
    max_lifetime: 30,
    onnotice: () => {},
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => client.end({ timeout: 5 }),
  };
}
