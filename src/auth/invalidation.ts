import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database, Tx } from "../db/client";
import type { Logger } from "../http/logger";
import { AckBook, AckOutbox, ackChannel } from "./acks";
import { type Invalidation, KeyCache } from "./key-cache";
import { type ListenerSession, openListenerSession, tagSetting } from "./listener-session";
import { deregister, forgetGone, heartbeat, recentPeers } from "./process-registry";

/** The LISTEN/NOTIFY channel every server process on one database shares. */
export const CHANNEL = "azscraper_auth_invalidation";
/** Shown in pg_stat_activity, so an operator (or a fault test) can find a process's listener connection. */
export const listenerAppName = (pid = process.pid) => `azscraper-auth-listener-${pid}`;
const RETRY_MS = [50, 100, 250, 500, 1000];
/**
 * A lease is trusted a little less long than the publisher waits: the two measure it on different
 * machines' monotonic clocks, whose rates may differ slightly (NTP slews them by at most 0.05%).
 */
const TRUSTED_SHARE = 0.99;

type Message = { event: Invalidation; from?: string; id?: string };

function parse(payload: string): Message {
  try {
    const message = JSON.parse(payload) as Message;
    if (["key", "member", "project", "serviceAccount", "all"].includes(message?.event?.kind)) return message;
  } catch {
    // fall through: a message we cannot read may have ended anything
  }
  return { event: { kind: "all" } };
}

/**
 * Ends cached keys in every server process before the change that ends them is answered.
 *
 * The promise: once `commit` has returned, no process serves the keys from its cache. How:
 * - `commit` runs the change in a transaction that also NOTIFYs; PostgreSQL delivers the
 *   notification to every listening session when, and only if, the transaction commits.
 * - Each process that hears it drops the keys, then acknowledges on the publisher's own channel.
 * - After the commit, the publisher reads which processes were seen recently (`server_processes`)
 *   and waits until each has acknowledged, or until one lease (`leaseMs`) has passed.
 * - Each process trusts its cache only under a lease: it runs a heartbeat on its listening session
 *   every third of a lease and, when the heartbeat answers, trusts the cache until the moment it
 *   sent it plus the lease. PostgreSQL hands a session every notification committed before one of
 *   its queries started before that query's result, so a process that did not acknowledge within
 *   the lease either heard the change or stopped trusting its cache: its last answered heartbeat
 *   was sent before the commit, so its lease ran out by the time the publisher stops waiting.
 *
 * So the usual revoke waits for one round of acknowledgements (milliseconds), and a process that is
 * stuck, partitioned or dead holds a revoke back by at most one lease. A process that appears after
 * the publisher read the registry registered (and began trusting its cache) after the commit, so
 * everything it caches was read after the change.
 */
export class InvalidationBus {
  /** This process's id in `server_processes` and in its acknowledgement channel. */
  readonly processId = randomBytes(8).toString("hex");
  private readonly acks: AckBook;
  private readonly outbox: AckOutbox;
  private session: ListenerSession | undefined;
  /** The tag of the session that is listening now; undefined while none is. */
  private tag: string | undefined;
  private stopped = false;
  private wake = () => {};

  constructor(
    private readonly database: Database,
    private readonly cache: KeyCache,
    private readonly logger: Logger,
    private readonly leaseMs: number,
  ) {
    this.acks = new AckBook(cache.now);
    this.outbox = new AckOutbox(this.processId, (notifications) =>
      this.session!.query("select pg_notify(n->>0, n->>1) from json_array_elements($1::json) as n", [JSON.stringify(notifications)]),
    );
  }

  /**
   * Runs `work` in a transaction that also publishes `event`, drops the keys from this process's
   * cache right after the commit, and returns once every other process has dropped them too (or
   * can no longer be trusting its cache). A commit that failed in COMMIT itself may have happened
   * after all, so it gets the same wait before its error goes on.
   */
  async commit<T>(event: Invalidation, work: (tx: Tx) => Promise<T>): Promise<T> {
    const id = this.acks.open();
    let reachedCommit = false;
    try {
      let out: T;
      try {
        out = await this.database.db.transaction(async (tx) => {
          const result = await work(tx);
          await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ event, from: this.processId, id } satisfies Message)})`);
          reachedCommit = true;
          return result;
        });
      } finally {
        this.cache.invalidate(event);
      }
      await this.awaitPeers(id, event);
      return out;
    } catch (error) {
      if (reachedCommit) await this.awaitPeers(id, event);
      throw error;
    } finally {
      this.acks.close(id);
    }
  }

  /** Waits for every recently seen process to acknowledge `id`, at most one lease from now. */
  private async awaitPeers(id: string, event: Invalidation): Promise<void> {
    const deadline = this.cache.now() + this.leaseMs;
    const peers = await recentPeers(this.database.db, this.processId, 2 * this.leaseMs).catch(() => undefined);
    if (!peers) {
      // Whom to wait for is unknown: wait out the lease, after which no process trusts a stale entry.
      for (let left = deadline - this.cache.now(); left > 0; left = deadline - this.cache.now()) await Bun.sleep(left);
      this.logger.info({ event: "auth_invalidation_unconfirmed", kind: event.kind, peers: "unknown" });
      return;
    }
    const missing = await this.acks.waitFor(id, peers, deadline);
    if (missing.length > 0) this.logger.info({ event: "auth_invalidation_unconfirmed", kind: event.kind, peers: missing });
  }

  /** Starts listening and heartbeating; resolves once the cache is first trusted. */
  async start(): Promise<void> {
    this.session = openListenerSession(this.database, {
      appName: listenerAppName(),
      onNotify: (channel, payload) => this.notified(channel, payload),
      onLost: () => this.lost(),
    });
    await forgetGone(this.session).catch(() => {});
    let attempt = 0;
    while (!this.stopped && !(await this.beat())) await Bun.sleep(RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]!);
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cache.suspend();
    this.wake();
    // Gone from the registry, so revokes stop waiting for this process.
    await deregister(this.session!, this.processId).catch(() => {});
    await this.session?.close().catch(() => {});
  }

  private notified(channel: string, payload: string): void {
    if (channel !== CHANNEL) {
      this.acks.record(payload);
      return;
    }
    const message = parse(payload);
    // This process applied its own changes right after their commit.
    if (message.from === this.processId) return;
    this.cache.invalidate(message.event);
    if (message.from && message.id) this.outbox.add(message.from, message.id);
  }

  /** Heartbeats every third of a lease while all is well; retries sooner after a failure. */
  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      const wait = failures === 0 ? this.leaseMs / 3 : RETRY_MS[Math.min(failures - 1, RETRY_MS.length - 1)]!;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopped) return;
      failures = (await this.beat()) ? 0 : failures + 1;
    }
  }

  /**
   * One heartbeat, LISTENing first if no session listens. Renews the lease only if the heartbeat
   * ran on the session that is listening now: a connection replaced behind our back is not.
   */
  private async beat(): Promise<boolean> {
    try {
      if (!this.tag) await this.listen();
      const tag = this.tag;
      const sentAt = this.cache.now();
      const answered = await heartbeat(this.session!, this.processId);
      if (answered !== tag || this.tag !== tag) {
        this.lost();
        return false;
      }
      if (this.stopped) return false;
      this.cache.trustUntil(sentAt + this.leaseMs * TRUSTED_SHARE);
      return true;
    } catch {
      this.lost();
      return false;
    }
  }

  private async listen(): Promise<void> {
    const tag = randomBytes(8).toString("hex");
    await this.session!.listen([CHANNEL, ackChannel(this.processId)], tagSetting(this.processId), tag);
    // Whatever a lookup read before this LISTEN may have been ended unheard: start from nothing.
    this.cache.suspend();
    this.tag = tag;
    this.logger.info({ event: "auth_listener_ready" });
  }

  /** The listening session is gone (or never answered): distrust the cache until a new one is. */
  private lost(): void {
    this.cache.suspend();
    const wasListening = this.tag !== undefined;
    this.tag = undefined;
    if (this.stopped) return;
    this.wake();
    if (wasListening) this.logger.info({ event: "auth_listener_lost" });
  }
}

/** The key cache and its bus for one database; `start()` the bus before serving requests. */
export function createKeyCaching(
  database: Database,
  config: { authCacheSize: number; authCacheTtlMs: number; authCacheLeaseMs: number },
  logger: Logger,
) {
  const keyCache = new KeyCache(config.authCacheSize, config.authCacheTtlMs);
  return { keyCache, invalidation: new InvalidationBus(database, keyCache, logger, config.authCacheLeaseMs) };
}
