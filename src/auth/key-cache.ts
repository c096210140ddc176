import type { ActiveKey } from "./api-key-lookup";
import { LruCache } from "./lru";

/** What changed, as published to every process: each kind names the cached keys it ends. */
export type Invalidation =
  | { kind: "key"; keyId: string }
  | { kind: "member"; organizationId: string; userId: string }
  | { kind: "project"; projectId: string }
  | { kind: "all" };

function ends(event: Invalidation, key: ActiveKey): boolean {
  switch (event.kind) {
    case "key":
      return key.keyId === event.keyId;
    case "member":
      return key.userId === event.userId && key.organizationId === event.organizationId;
    case "project":
      return key.projectId === event.projectId;
    case "all":
      return true;
  }
}

/**
 * Verified API keys by hash, for at most `ttlMs` (the safety net for a missed invalidation).
 *
 * Two rules keep a revoked key from coming back:
 * - every invalidation bumps an epoch, and a lookup that started before the bump is not cached:
 *   the row it read may predate the revoke;
 * - while the invalidation listener is down nothing is served from or put in the cache, since
 *   invalidations may be missed; it starts empty whenever the listener (re)connects.
 */
export class KeyCache {
  private readonly lru: LruCache<ActiveKey>;
  private epoch = 0;
  private trusted = false;

  constructor(
    maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lru = new LruCache(maxEntries);
  }

  get size(): number {
    return this.lru.size;
  }

  /** The key for this hash, from the cache or from `lookup` (the database). */
  async resolve(hash: string, lookup: () => Promise<ActiveKey | null>): Promise<ActiveKey | null> {
    if (this.trusted) {
      const hit = this.lru.get(hash, this.now());
      if (hit) return hit;
    }
    const epoch = this.epoch;
    const key = await lookup();
    if (key && this.trusted && epoch === this.epoch) this.lru.set(hash, key, this.now() + this.ttlMs);
    return key;
  }

  invalidate(event: Invalidation): void {
    this.epoch++;
    if (event.kind === "all") this.lru.clear();
    else this.lru.deleteWhere((key) => ends(event, key));
  }

  /** The listener is down: stop trusting the cache until `resume`. */
  suspend(): void {
    this.trusted = false;
    this.invalidate({ kind: "all" });
  }

  /** The listener is (back) up: start again from an empty cache. */
  resume(): void {
    this.invalidate({ kind: "all" });
    this.trusted = true;
  }
}
