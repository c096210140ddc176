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

type Sql = postgres.Sql;
type Unsafe = Sql["unsafe"];

/**
 * The client Drizzle is given: every statement it sends is a named prepared statement, kept per
 * connection. Drizzle asks postgres.js for unnamed ones unless a query is `.prepare()`d by name,
 * and postgres.js sends an unnamed statement with parameters in two round trips (it describes
 * the statement to learn the parameter types, then binds): every ordinary query paid a round trip
 * and the parse. Named, each distinct statement text is parsed once per connection (connections
 * live 30 s, which bounds how many a connection keeps). Transactions and savepoints hand Drizzle
 * a client of their own, wrapped the same way. Two consequences for every statement: a list goes
 * as one array parameter (`anyOf`, src/db/any-of.ts), so its length does not make a new text;
 * and a condition a partial index depends on is written into the SQL (`hasWord`,
 * src/db/status-literal.ts), since a generic plan cannot match a bound value to the index.
 */
function preparedByDefault<S extends Sql | postgres.TransactionSql>(sql: S): S {
  return new Proxy(sql, {
    get(target, name, receiver) {
      if (name === "unsafe") {
        return ((query: string, params?: unknown[], options?: object) =>
          target.unsafe(query, params as never, { ...options, prepare: true })) as Unsafe;
      }
      if (name === "begin" || name === "savepoint") {
        return (...args: unknown[]) => {
          const run = args.at(-1) as (tx: postgres.TransactionSql) => unknown;
          const rest = args.slice(0, -1);
          return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...rest, (tx: postgres.TransactionSql) =>
            run(preparedByDefault(tx)),
          );
        };
      }
      const value = Reflect.get(target, name, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

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
  const db = drizzlePostgres(preparedByDefault(client), { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    ping: async () => void (await db.execute(sql`select 1`)),
    close: () => client.end({ timeout: 5 }),
  };
}
