import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { addUsage, hourStart, type UsageDelta } from "../db/usage-counters";

type LastUse = { at: Date; ip: string | null };
type Counts = Required<Omit<UsageDelta, "keyId" | "hourStart">>;

const zero = (): Counts => ({
  requestsOk: 0,
  requestsClientError: 0,
  requestsRateLimited: 0,
  requestsPaymentRequired: 0,
  requestsTotal: 0,
  jobsSubmitted: 0,
  jobsSucceeded: 0,
  jobsFailed: 0,
  creditsReserved: 0,
  creditsCharged: 0,
});

/** The counter an answer's status adds to, besides `requestsTotal`. */
function outcome(status: number): keyof Counts | undefined {
  if (status === 402) return "requestsPaymentRequired";
  if (status === 429) return "requestsRateLimited";
  if (status >= 200 && status < 300) return "requestsOk";
  if (status >= 400 && status < 500) return "requestsClientError";
  return undefined;
}

/**
 * Coalesces per-key writes: the last use (`lastUsedAt`, `lastUsedIp`) and the per-hour counters
 * are kept in memory and written in one batch per interval, so a busy key costs two statements
 * per interval instead of a write per request. The counters are added, never set, so every
 * process's batch counts (src/db/usage-counters.ts).
 */
export class KeyUsage {
  private pending = new Map<string, LastUse>();
  /** By `${keyId} ${hour start in ms}`. */
  private counts = new Map<string, { keyId: string; hour: number; counts: Counts }>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Db,
    private readonly intervalMs: number,
  ) {}

  record(keyId: string, at: Date, ip: string | null = null): void {
    this.pending.set(keyId, { at, ip });
  }

  /** One answered request made with the key; called once the answer's status is known. */
  countResponse(keyId: string, status: number, at: Date): void {
    const counts = this.bucket(keyId, at);
    counts.requestsTotal++;
    const field = outcome(status);
    if (field) counts[field]++;
  }

  /** A job the key submitted, and the credit reserved for it (one per job). */
  countJobSubmitted(keyId: string, at: Date): void {
    const counts = this.bucket(keyId, at);
    counts.jobsSubmitted++;
    counts.creditsReserved++;
  }

  private bucket(keyId: string, at: Date): Counts {
    const hour = hourStart(at).getTime();
    const id = `${keyId} ${hour}`;
    let entry = this.counts.get(id);
    if (!entry) {
      entry = { keyId, hour, counts: zero() };
      this.counts.set(id, entry);
    }
    return entry.counts;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => {}), this.intervalMs);
  }

  /**
   * Writes what is pending; on failure it is put back for the next attempt. The last uses and
   * the counters are written (and put back) separately: putting back counters that were written
   * would count them twice.
   */
  async flush(): Promise<void> {
    const failures = await Promise.allSettled([this.flushLastUses(), this.flushCounts()]);
    const failed = failures.find((f) => f.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private async flushLastUses(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = sql.join(
      [...batch].map(([id, use]) => sql`(${id}, ${use.at.toISOString()}::timestamptz, ${use.ip}::text)`),
      sql`, `,
    );
    try {
      await this.db.execute(sql`
        update api_keys set last_used_at = v.at, last_used_ip = v.ip
        from (values ${rows}) as v(id, at, ip)
        where api_keys.id = v.id and (api_keys.last_used_at is null or api_keys.last_used_at <= v.at)`);
    } catch (error) {
      for (const [id, use] of batch) if (!this.pending.has(id)) this.pending.set(id, use);
      throw error;
    }
  }

  private async flushCounts(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    this.counts = new Map();
    try {
      await addUsage(
        this.db,
        [...batch.values()].map((e) => ({ keyId: e.keyId, hourStart: new Date(e.hour), ...e.counts })),
      );
    } catch (error) {
      for (const [id, entry] of batch) {
        const now = this.counts.get(id);
        if (!now) this.counts.set(id, entry);
        else for (const field of Object.keys(now.counts) as (keyof Counts)[]) now.counts[field] += entry.counts[field];
      }
      throw error;
    }
  }

  /** Stops the timer and writes the last uses and counts; called on shutdown. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
