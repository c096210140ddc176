import type { Clock } from "../clock";
import type { JobSettings, WebhookSettings } from "../config";
import type { Db } from "../db/client";
import type { Logger } from "../http/logger";
import type { Lookup, TargetPolicy } from "../modules/jobs/ssrf";
import { targetPolicy } from "../modules/jobs/target-url";
import { signatureHeader } from "../modules/webhooks/signing";
import { postWebhook } from "./webhook-post";
import { type ClaimedDelivery, claimDeliveries, recordAttempt, signingSecrets } from "./webhook-queue";

type DelivererDeps = { db: Db; clock: Clock; config: WebhookSettings & JobSettings; logger: Logger };
/** What tests change: how names resolve, and which local addresses count as public. */
type NetworkOverrides = { lookup?: Lookup; trusted?: TargetPolicy["trusted"] };

/**
 * Sends queued webhook deliveries, `webhookConcurrency` at a time, off the API's request path.
 * Several processes may run one on the same database: claims use SKIP LOCKED, and a claim's lease
 * (the attempt's timeout plus a margin) lets another process take over a dead one's delivery.
 */
export class WebhookDeliverer {
  private readonly running = new Set<Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly deps: DelivererDeps,
    private readonly network: NetworkOverrides = {},
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

  /** One round: claim what fits in the free slots and send it. Rounds never overlap. */
  poll(): Promise<void> {
    this.inflight ??= this.round().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async round(): Promise<void> {
    const c = this.deps.config;
    try {
      const now = this.deps.clock.now();
      const free = c.webhookConcurrency - this.running.size;
      const leaseMs = c.webhookTimeoutMs + 30_000;
      const claimed = free > 0 ? await claimDeliveries(this.deps.db, free, now, leaseMs) : [];
      for (const delivery of claimed) this.begin(delivery);
    } catch (error) {
      this.deps.logger.error({ event: "webhook_poll_failed", errorName: (error as Error)?.name });
    }
    this.schedule(c.webhookPollMs);
  }

  private begin(delivery: ClaimedDelivery): void {
    const done: Promise<void> = this.deliver(delivery)
      // The database may be down: the lease then lapses and the delivery is tried again.
      .catch((error) =>
        this.deps.logger.error({ event: "webhook_record_failed", deliveryId: delivery.id, errorName: (error as Error)?.name }),
      )
      .finally(() => {
        this.running.delete(done);
        this.schedule(0);
      });
    this.running.add(done);
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const { db, clock, config, logger } = this.deps;
    const attemptedAt = clock.now();
    const secrets = await signingSecrets(db, delivery, attemptedAt);
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const headers: Record<string, string> = { "webhook-id": delivery.id, "webhook-timestamp": String(timestamp) };
    if (secrets.length) headers["webhook-signature"] = signatureHeader(secrets, delivery.id, timestamp, delivery.payload);
    const outcome = await postWebhook({
      url: delivery.url,
      body: delivery.payload,
      headers,
      policy: { ...targetPolicy(config), trusted: this.network.trusted },
      timeoutMs: config.webhookTimeoutMs,
      maxResponseBytes: config.webhookMaxResponseBytes,
      lookup: this.network.lookup,
    });
    const recorded = await recordAttempt(db, delivery, outcome, attemptedAt, config, clock.now());
    // Never the secret, the body or the URL's query (it may carry a token): ids and outcome only.
    logger.info({
      event: "webhook_attempt",
      deliveryId: delivery.id,
      webhookId: delivery.endpointId,
      eventType: delivery.eventType,
      attempt: delivery.attempts,
      responseStatus: outcome.status,
      status: recorded.status,
    });
    if (recorded.endpointDisabled) {
      logger.warn({ event: "webhook_endpoint_disabled", webhookId: delivery.endpointId, reason: "failing" });
    }
  }

  /** Stops claiming and waits for the attempts under way; each ends within WEBHOOK_TIMEOUT_MS. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inflight;
    await Promise.allSettled([...this.running]);
  }
}
