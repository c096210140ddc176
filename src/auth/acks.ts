/**
 * Acknowledgements of invalidations, both ways: `AckBook` collects the confirmations for what this
 * process published and lets it wait for them; `AckOutbox` sends this process's confirmations,
 * batched, since one burst of notifications should cost one query, not one each.
 */

/** The acknowledgement channel of one process (its id is lowercase hex). */
export const ackChannel = (processId: string) => `azscraper_auth_ack_${processId}`;

/** An acknowledgement's payload: the peer that sends it, then the invalidation ids it applied. */
export const ackPayload = (peer: string, ids: string[]) => `${peer}:${ids.join(",")}`;

export class AckBook {
  private next = 0;
  private readonly confirmed = new Map<string, Set<string>>();
  private readonly wakers = new Map<string, () => void>();

  constructor(private readonly now: () => number) {}

  /** A fresh invalidation id; confirmations for it are kept until `close`. */
  open(): string {
    const id = String(++this.next);
    this.confirmed.set(id, new Set());
    return id;
  }

  close(id: string): void {
    this.confirmed.delete(id);
    this.wakers.delete(id);
  }

  /** Reads an acknowledgement's payload; ids this process no longer waits for are ignored. */
  record(payload: string): void {
    const [peer, ids] = payload.split(":");
    if (!peer || !ids) return;
    for (const id of ids.split(",")) {
      const peers = this.confirmed.get(id);
      if (!peers) continue;
      peers.add(peer);
      this.wakers.get(id)?.();
    }
  }

  /** Resolves once every one of `peers` confirmed `id`, or at `deadline`; returns those that did not. */
  async waitFor(id: string, peers: string[], deadline: number): Promise<string[]> {
    const confirmed = this.confirmed.get(id) ?? new Set();
    const missing = () => peers.filter((peer) => !confirmed.has(peer));
    for (let left = deadline - this.now(); missing().length > 0 && left > 0; left = deadline - this.now()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakers.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.wakers.delete(id);
    return missing();
  }
}

/** Payloads must stay under PostgreSQL's 8,000 bytes; ids are short decimal numbers. */
const IDS_PER_PAYLOAD = 400;

export class AckOutbox {
  private pending = new Map<string, string[]>();
  private flushing = false;

  /** `send` delivers `[channel, payload]` pairs; the sender is `self`. */
  constructor(
    private readonly self: string,
    private readonly send: (notifications: [string, string][]) => Promise<unknown>,
  ) {}

  /** Queues a confirmation to `requester` for invalidation `id`; sent after the current burst. */
  add(requester: string, id: string): void {
    const ids = this.pending.get(requester);
    if (ids) ids.push(id);
    else this.pending.set(requester, [id]);
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => void this.flush());
    }
  }

  /**
   * Sends everything queued, one query at a time. A failed send is dropped: the requester stops
   * waiting at the end of its lease anyway, and by then this process has either caught up or
   * stopped trusting its cache.
   */
  private async flush(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = this.pending;
      this.pending = new Map();
      const notifications: [string, string][] = [];
      for (const [requester, ids] of batch) {
        for (let i = 0; i < ids.length; i += IDS_PER_PAYLOAD) {
          notifications.push([ackChannel(requester), ackPayload(this.self, ids.slice(i, i + IDS_PER_PAYLOAD))]);
        }
      }
      await this.send(notifications).catch(() => {});
    }
    this.flushing = false;
  }
}
