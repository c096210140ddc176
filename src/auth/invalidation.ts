import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import type { Database, Tx } from "../db/client";
import type { Logger } from "../http/logger";
import { type Invalidation, KeyCache } from "./key-cache";

/** The LISTEN/NOTIFY channel every server process on one database shares. */
export const CHANNEL = "azscraper_auth_invalidation";
/** Shown in pg_stat_activity, so an operator (or a fault test) can find a process's listener connection. */
export const listenerAppName = (pid = process.pid) => `azscraper-auth-listener-${pid}`;
const RETRY_MS = [50, 100, 250, 500, 1000];

function parse(payload: string): Invalidation {
  try {
    const event = JSON.parse(payload) as Invalidation;
    if (["key", "member", "project", "all"].includes(event?.kind)) return event;
  } catch {
    // fall through: a message we cannot read may have ended anything
  }
  return { kind: "all" };
}

/**
 * Tells every process on the database that cached keys ended, and listens for the same news.
 * On PostgreSQL the listener is its own connection; on PGlite it is the in-process client, so the
 * same publish → NOTIFY → invalidate path runs in both.
 */
export class InvalidationBus {
  private stopped = false;
  private connecting = false;
  private close: (() => Promise<unknown>) | undefined;
  private listener: postgres.Sql | undefined;

  constructor(
    private readonly database: Database,
    private readonly cache: KeyCache,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs `work` in a transaction that also issues the NOTIFY. PostgreSQL delivers a notification
   * only when (and only if) its transaction commits, so other processes hear of the change exactly
   * after the commit. This process applies it itself right after the commit, before it answers;
   * also when the commit failed, since its outcome may be unknown and dropping entries is harmless.
   */
  async commit<T>(event: Invalidation, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.database.db.transaction(async (tx) => {
        const out = await work(tx);
        await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(event)})`);
        return out;
      });
    } finally {
      this.cache.invalidate(event);
    }
  }

  /** Starts listening; the cache is trusted from the moment the first LISTEN succeeds. */
  async start(): Promise<void> {
    const client = (this.database.db as unknown as { $client: unknown }).$client;
    if (this.database.kind === "pglite") {
      const unlisten = await (client as PGlite).listen(CHANNEL, (payload) => this.receive(payload));
      this.close = () => unlisten();
      this.cache.resume();
      return;
    }
    const options = (client as postgres.Sql).options;
    const listener = postgres({
      ...options,
      max: 1,
      idle_timeout: null,
      max_lifetime: null,
      fetch_types: false,
      // Its own retry count: sharing the pool's would lengthen the pool's back-off during outages.
      shared: { retries: 0, typeArrayMap: {} },
      connection: { ...options.connection, application_name: listenerAppName() },
      onnotify: (channel: string, payload: string) => channel === CHANNEL && this.receive(payload),
      onclose: () => this.lost(),
    } as unknown as postgres.Options<Record<string, never>>);
    this.listener = listener;
    this.close = () => listener.end({ timeout: 1 });
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cache.suspend();
    await this.close?.().catch(() => {});
  }

  private receive(payload: string): void {
    this.cache.invalidate(parse(payload));
  }

  private lost(): void {
    if (this.stopped) return;
    this.cache.suspend();
    this.logger.info({ event: "auth_listener_lost" });
    if (!this.connecting) void this.connect();
  }

  /** LISTENs until it succeeds (the first time, and after every lost connection). */
  private async connect(): Promise<void> {
    this.connecting = true;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.listener!.unsafe(`listen ${CHANNEL}`);
        this.connecting = false;
        this.cache.resume();
        this.logger.info({ event: "auth_listener_ready", attempts: attempt + 1 });
        return;
      } catch {
        await Bun.sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!);
      }
    }
  }
}

/** The key cache and its bus for one database; `start()` the bus before serving requests. */
export function createKeyCaching(database: Database, config: { authCacheSize: number; authCacheTtlMs: number }, logger: Logger) {
  const keyCache = new KeyCache(config.authCacheSize, config.authCacheTtlMs);
  return { keyCache, invalidation: new InvalidationBus(database, keyCache, logger) };
}
