import { sql } from "drizzle-orm";
import type { Db } from "../db/client";

/**
 * Coalesces `lastUsedAt` writes: uses are remembered in memory and written in one batched UPDATE
 * per interval, so a busy key costs one write per interval instead of one per request.
 */
export class KeyUsage {
  private pending = new Map<string, Date>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Db,
    private readonly intervalMs: number,
  ) {}

  record(keyId: string, at: Date): void {
    this.pending.set(keyId, at);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), this.intervalMs);
  }

  /** Writes what is pending; on failure the uses are put back for the next attempt. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = sql.join(
      [...batch].map(([id, at]) => sql`(${id}, ${at.toISOString()}::timestamptz)`),
      sql`, `,
    );
    try {
      await this.db.execute(sql`
        update api_keys set last_used_at = v.at
        from (values ${rows}) as v(id, at)
        where api_keys.id = v.id and (api_keys.last_used_at is null or api_keys.last_used_at < v.at)`);
    } catch (error) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      throw error;
    }
  }

  /** Stops the timer and writes the last uses; called on shutdown. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
