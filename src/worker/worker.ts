import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../clock";
import type { JobSettings } from "../config";
import type { Db } from "../db/client";
import type { Logger } from "../http/logger";
import type { Lookup } from "../modules/jobs/ssrf";
import { withDefaults } from "../modules/jobs/view";
import { type Claimed, claim, failExhausted, heartbeat, requeue, settle } from "./queue";
import { execute, Interrupted } from "./run";

type Running = { job: Claimed; controller: AbortController; done: Promise<void> };
/** What a worker needs; the services' `Deps` satisfies it. */
type WorkerDeps = { db: Db; clock: Clock; config: JobSettings; logger: Logger };

/**
 * Runs queued jobs from the database, `workerConcurrency` at a time. Any number of processes may
 * run one against the same database: claims use SKIP LOCKED, and a heartbeat keeps each claim's
 * lease alive so only a dead worker's jobs are taken over.
 */
export class Worker {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  private readonly running = new Map<string, Running>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly deps: WorkerDeps,
    /** Tests resolve names their own way; production uses the system resolver. */
    private readonly lookup?: Lookup,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), ms);
  }

  /** One round: fail exhausted jobs, claim what fits in the free slots, start them. Rounds never overlap. */
  poll(): Promise<void> {
    this.inflight ??= this.round().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async round(): Promise<void> {
    const c = this.deps.config;
    try {
      const now = this.deps.clock.now();
      const busy = [...this.running.keys()];
      await failExhausted(this.deps.db, now, c.jobMaxAttempts, busy);
      const free = c.workerConcurrency - busy.length;
      const claimed = free > 0 ? await claim(this.deps.db, this.id, free, now, c.jobLeaseMs, c.jobMaxAttempts, busy) : [];
      for (const job of claimed) this.begin(job);
    } catch (error) {
      this.deps.logger.error({ event: "worker_poll_failed", workerId: this.id, errorName: (error as Error)?.name });
    }
    // Sleep until the next round; a job that finishes frees a slot and calls a round at once.
    this.schedule(c.workerPollMs);
  }

  private begin(job: Claimed): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    entry.done = this.work(entry)
      // The database may be down: the claim then lapses and the job is retried after its lease.
      .catch((error) => this.deps.logger.error({ event: "job_settle_failed", jobId: job.id, errorName: (error as Error)?.name }))
      .finally(() => {
        this.running.delete(job.id);
        this.schedule(0);
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
      const policy = { allowPrivate: config.allowPrivateTargets, ports: config.allowedTargetPorts };
      const outcome = await execute(job.url, withDefaults(job.options), policy, controller.signal, this.lookup);
      clearInterval(beat);
      const settled = await settle(db, job, outcome, clock.now());
      logger.info({
        event: "job_finished",
        jobId: job.id,
        status: "result" in outcome ? "succeeded" : "failed",
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
  }
}
