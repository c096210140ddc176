import type { Clock } from "../clock";
import type { Db } from "../db/client";
import type { Logger } from "../http/logger";
import { applyRetention } from "../modules/usage/retention";

const HOUR_MS = 3_600_000;

/**
 * The periodic clean-up of every server process: audit retention and the roll-up of old hourly
 * usage buckets (src/modules/usage/retention.ts), once at start and then hourly. Several processes
 * running it at once do the same idempotent work; a failure waits for the next round.
 */
export class Housekeeping {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: { db: Db; clock: Clock; logger: Logger; config: { auditRetentionDays: number } }) {}

  /** One round; resolves when it is done (also when it failed, which it logs). */
  runOnce(): Promise<void> {
    this.running ??= applyRetention(this.deps.db, this.deps.clock.now(), this.deps.config.auditRetentionDays)
      .catch(() => this.deps.logger.warn({ event: "housekeeping_failed" }))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), HOUR_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
