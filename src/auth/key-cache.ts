import type { ActiveKey } from "./api-key-lookup";
import { LruCache } from "./lru";

/** What changed, as published to every process: each kind names the cached keys it ends. */
export type Invalidation =
  | { kind: "key"; keyId: string }
  | { kind: "member"; organizationId: string; userId: string }
  | { kind: "project"; projectId: string }
  | { kind: "serviceAccount"; serviceAccountId: string }
  | { kind: "all" };

const ALL: Invalidation = { kind: "all" };

function ends(event: Invalidation, key: ActiveKey): boolean {
  switch (event.kind) {
    case "key":
      return key.keyId === event.keyId;
    case "member":
      return key.userId === event.userId && key.organizationId === event.organizationId;
    case "project":
      return key.projectId === event.projectId;
    case "serviceAccount":
      return key.serviceAccountId === event.serviceAccountId;
    case "all":
      return true;
  }
}

/**
 * Verified API keys by hash, for at most `ttlMs`.
 *
 * Three rules keep an ended key from being served (src/auth/invalidation.ts explains the protocol):
 * - the cache is read and filled only until `trustedUntil`, a lease the invalidation bus renews
 *   each time its listener proves it has heard every invalidation committed before the renewal
 *   began; a listener that is down or late lets the lease run out, and every key goes to the
 *   database until it has caught up;
 * - every invalidation bumps an epoch, and a lookup that started before the bump is not cached:
 *   the row it read may predate the change;
 * - a listener session that is lost or new empties the cache (`suspend`), since invalidations may
 *   have been missed.
 *
 * `now` is a monotonic clock (leases are durations: a wall-clock jump must not stretch one).
 */
export class KeyCache {
  private readonly lru: LruCache<ActiveKey>;
  private epoch = 0;
  private trustedUntil = -Infinity;

  constructor(
    maxEntries: number,
    private readonly ttlMs: number,
    readonly now: () => number = () => performance.now(),
  ) {
    this.lru = new LruCache(maxEntries);
  }

  get size(): number {
    return this.lru.size;
  }

  /** The key for this hash, from the cache or from `lookup` (the database). */
  async resolve(hash: string, lookup: () => Promise<ActiveKey | null>): Promise<ActiveKey | null> {
    const now = this.now();
    if (now < this.trustedUntil) {
      const hit = this.lru.get(hash, now);
      if (hit) return hit;
    }
    const epoch = this.epoch;
    const key = await lookup();
    if (key && epoch === this.epoch) {
      const filledAt = this.now();
      if (filledAt < this.trustedUntil) this.lru.set(hash, key, filledAt + this.ttlMs);
    }
    return key;
  }

  invalidate(event: Invalidation): void {
    this.epoch++;
    if (event.kind === "all") this.lru.clear();
    else this.lru.deleteWhere((key) => ends(event, key));
  }

  /** Trusts the cache until `deadline` (on `now`'s clock), unless it is already trusted longer. */
  trustUntil(deadline: number): void {
    if (deadline > this.trustedUntil) this.trustedUntil = deadline;
  }

  /** Stops trusting the cache and empties it, until the next `trustUntil`. */
  suspend(): void {
    this.trustedUntil = -Infinity;
    this.invalidate(ALL);
  }
}
