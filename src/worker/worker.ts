import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../clock";
import type { JobSettings } from "../config";
import type { Db } from "../db/client";
import type { Logger } from "../http/logger";
import type { Lookup } from "../modules/jobs/ssrf";
import { targetPolicy } from "../modules/jobs/target-url";
import { withDefaults } from "../modules/jobs/view";
import { ExtractPool } from "./extract-pool";
import { type Claimed, claim, failExhausted, heartbeat, requeue } from "./queue";
import { execute, Interrupted } from "./run";
import { settleGroups } from "./settle-groups";
import { wakeOnQueuedJobs } from "./wake-up";

type Running = { job: Claimed; controller: AbortController; done: Promise<void> };
/** What a worker needs; the services' `Deps` satisfies it. */
type WorkerDeps = { db: Db; clock: Clock; config: JobSettings; logger: Logger };

/**
 * Runs queued jobs from the database, `workerConcurrency` at a time. Any number of processes may
 * run one against the same database: claims use SKIP LOCKED, and a heartbeat keeps each claim's
 * lease alive so only a dead worker's jobs are taken over. A NOTIFY from each submit wakes it
 * (wake-up.ts); the poll every `workerPollMs` is the fallback, and the sweep for dead workers' jobs.
 */
export class Worker {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  private readonly running = new Map<string, Running>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | undefined;
  /** A wake-up came during a round: its jobs may have been queued after the round's claim. */
  private wokenDuringRound = false;
  private lastSweep = 0;
  private stopped = true;
  private pool: ExtractPool | undefined;
  private readonly settler: ReturnType<typeof settleGroups>;
  private stopWaking: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly deps: WorkerDeps,
    /** Tests resolve names their own way; production uses the system resolver. */
    private readonly lookup?: Lookup,
  ) {
    this.settler = settleGroups(deps.db);
  }

  start(): void {
    this.stopped = false;
    this.pool ??= new ExtractPool(this.deps.config.extractThreads);
    this.stopWaking ??= wakeOnQueuedJobs(this.deps.db, () => this.wake()).catch((error) => {
      // Without the LISTEN the worker still runs, on its poll alone.
      this.deps.logger.error({ event: "worker_listen_failed", workerId: this.id, errorName: (error as Error)?.name });
      return async () => {};
    });
    this.schedule(0, true);
  }

  private schedule(ms: number, sweep = false): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(sweep), ms);
  }

  /** Jobs were queued somewhere, or a slot came free: claim now if a slot is free. */
  private wake(): void {
    if (this.inflight) this.wokenDuringRound = true;
    else if (this.running.size < this.deps.config.workerConcurrency) this.schedule(0);
  }

  /**
   * One round: claim what fits in the free slots (one statement, however many) and start them; a
   * `sweep` round (the timed poll) first fails jobs whose attempts ran out. Rounds never overlap.
   */
  poll(sweep = true): Promise<void> {
    this.inflight ??= this.round(sweep).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async round(sweep: boolean): Promise<void> {
    const c = this.deps.config;
    this.wokenDuringRound = false;
    // Under steady load the timed poll keeps being replaced by wake-ups: sweep on schedule anyway.
    const sweeping = sweep || performance.now() - this.lastSweep >= c.workerPollMs;
    try {
      const now = this.deps.clock.now();
      const busy = [...this.running.keys()];
      if (sweeping) {
        this.lastSweep = performance.now();
        await failExhausted(this.deps.db, now, c.jobMaxAttempts, busy);
      }
      const free = c.workerConcurrency - busy.length;
      const claimed = free > 0 ? await claim(this.deps.db, this.id, free, now, c.jobLeaseMs, c.jobMaxAttempts, busy) : [];
      for (const job of claimed) this.begin(job);
    } catch (error) {
      this.deps.logger.error({ event: "worker_poll_failed", workerId: this.id, errorName: (error as Error)?.name });
    }
    // Claim again at once when jobs arrived meanwhile; else sleep until the next poll. A job that
    // finishes frees a slot and calls a round at once.
    if (this.wokenDuringRound && this.running.size < c.workerConcurrency) this.schedule(0);
    else this.schedule(c.workerPollMs, true);
  }

  private begin(job: Claimed): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    entry.done = this.work(entry)
      // The database may be down: the claim then lapses and the job is retried after its lease.
      .catch((error) => this.deps.logger.error({ event: "job_settle_failed", jobId: job.id, errorName: (error as Error)?.name }))
      .finally(() => {
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, entry);
  }

  private async work({ job, controller }: Running): Promise<void> {
    const { db, clock, config, logger } = this.deps;
    const beat = setInterval(
      async () => {
        const kept = await heartbeat(db, job, clock.now(), config.jobLeaseMs).catch(() => true);
        if (!kept) controller.abort(new Interrupted("lease lost"));
      },
      Math.max(100, Math.floor(config.jobLeaseMs / 3)),
    );
    logger.info({ event: "job_started", jobId: job.id, attempt: job.attempts, workerId: this.id });
    try {
      const outcome = await execute(job.url, withDefaults(job.options), targetPolicy(config), controller.signal, this.pool!, this.lookup);
      clearInterval(beat);
      const settled = await this.settler.run({ job, outcome, now: clock.now() });
      logger.info({
        event: "job_finished",
        jobId: job.id,
        status: "resultJson" in outcome ? "succeeded" : "failed",
        code: "error" in outcome ? outcome.error.code : undefined,
        settled,
      });
    } catch (error) {
      clearInterval(beat);
      if (!(error instanceof Interrupted)) throw error;
      if (error.message === "shutdown") await requeue(db, job);
      logger.info({ event: "job_interrupted", jobId: job.id, reason: error.message });
    }
  }

  /**
   * Stops claiming, lets running jobs finish for up to `graceMs`, then interrupts the rest and puts
   * them back in the queue for another process.
   */
  async stop(graceMs = this.deps.config.shutdownGraceMs): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inflight; // a claim in progress still hands its jobs to this stop
    const all = () => Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([all(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const r of this.running.values()) r.controller.abort(new Interrupted("shutdown"));
    await all();
    await (await this.stopWaking)?.().catch(() => {});
    this.stopWaking = undefined;
    await this.pool?.close();
    this.pool = undefined;
  }
}
