import type { Clock } from "../clock";
import type { Db } from "../db/client";
import type { Logger } from "../http/logger";
import { recordExpiredKeys, warnExpiringKeys } from "../modules/api-keys/expiry-events";
import { applyRetention } from "../modules/usage/retention";
import { pruneDeliveries } from "./webhook-queue";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

type HousekeepingDeps = {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: { auditRetentionDays: number; apiKeyExpiryWarningDays: number; webhookRetentionMs: number };
};

/**
 * The periodic work of every server process:
 * - each minute, the key-expiry sweep: `api_key.expiring` once a key enters its warning window,
 *   and `api_key.expired` (webhook and audit) for keys that expired unused;
 * - hourly, audit retention and the roll-up of old hourly usage buckets (src/modules/usage/retention.ts),
 *   and the deletion of webhook deliveries finished more than WEBHOOK_RETENTION_MS ago.
 * Both run once at start. Several processes running them at once do the same idempotent work
 * (each key's events are claimed by a conditional update); a failure waits for the next round.
 */
export class Housekeeping {
  private timers: ReturnType<typeof setInterval>[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: HousekeepingDeps) {}

  /** The key-expiry sweep, once; resolves when done (also when it failed, which it logs). */
  sweepKeys(): Promise<void> {
    const now = this.deps.clock.now();
    return this.guard("key_sweep", async () => {
      await warnExpiringKeys(this.deps.db, now, this.deps.config.apiKeyExpiryWarningDays);
      await recordExpiredKeys(this.deps.db, now);
    });
  }

  /** Retention, the usage roll-up and the webhook deliveries' retention, once; each may fail alone. */
  async runRetention(): Promise<void> {
    const { db, clock, config } = this.deps;
    const now = clock.now();
    // Both begin now, so `stop` waits for both.
    await Promise.all([
      this.guard("retention", () => applyRetention(db, now, config.auditRetentionDays)),
      this.guard("webhook_retention", () => pruneDeliveries(db, new Date(now.getTime() - config.webhookRetentionMs))),
    ]);
  }

  start(): void {
    if (this.timers.length > 0) return;
    void this.sweepKeys();
    void this.runRetention();
    this.timers = [setInterval(() => void this.sweepKeys(), MINUTE_MS), setInterval(() => void this.runRetention(), HOUR_MS)];
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all(this.running);
  }

  private guard(task: string, work: () => Promise<unknown>): Promise<void> {
    const run = work()
      .then(() => undefined)
      .catch(() => this.deps.logger.warn({ event: "housekeeping_failed", task }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }
}
