import { ApiError } from "../http/errors";
import { LruCache } from "./lru";

export type KeyFailureLimit = { burst: number; perSecond: number };

/** Addresses tracked at once; beyond it the least recently seen is forgotten (its bucket refills). */
const MAX_ADDRESSES = 10_000;
/** Keys remembered as verified; a revoked one is forgotten at its first failure. */
const MAX_VERIFIED_KEYS = 10_000;
const VERIFIED_FOR_MS = 60 * 60 * 1000;

type Bucket = { tokens: number; atMs: number };

/**
 * Failed API-key lookups per client address, counted in this process (each process keeps its own
 * count, so N processes allow N times the limit): an address may fail `burst` lookups, then one
 * more per `1 / perSecond` seconds; beyond that, a key that would need a database lookup gets 429
 * before reaching the database.
 *
 * Valid keys do not pay for it: a cache hit never gets here, and a key this process has verified
 * in the last hour is looked up even for a throttled address (a guess cannot be such a key), so an
 * office whose old script hammers a revoked key keeps its working keys. Memory is bounded by
 * MAX_ADDRESSES buckets and MAX_VERIFIED_KEYS hashes: a few MB at most.
 */
export class KeyGuessThrottle {
  private readonly buckets = new LruCache<Bucket>(MAX_ADDRESSES);
  private readonly verified = new LruCache<true>(MAX_VERIFIED_KEYS);

  constructor(private readonly limit: KeyFailureLimit) {}

  get trackedAddresses(): number {
    return this.buckets.size;
  }

  /**
   * Called before looking `hash` up for `address`. Throws 429 when the address has no failure
   * left; otherwise returns whether a failure was reserved (settle it after the lookup).
   */
  admit(hash: string, address: string, nowMs: number): boolean {
    if (this.verified.get(hash, nowMs)) return false;
    const tokens = this.tokens(address, nowMs);
    if (tokens < 1) throw this.refusal(tokens);
    this.store(address, tokens - 1, nowMs);
    return true;
  }

  /** After the lookup: a key found gives its reservation back; one not found keeps it spent. */
  settle(hash: string, address: string, reserved: boolean, found: boolean, nowMs: number): void {
    if (!found) {
      this.verified.delete(hash);
      return;
    }
    this.verified.set(hash, true, nowMs + VERIFIED_FOR_MS);
    if (reserved) this.store(address, Math.min(this.limit.burst, this.tokens(address, nowMs) + 1), nowMs);
  }

  private tokens(address: string, nowMs: number): number {
    const bucket = this.buckets.get(address, nowMs);
    if (!bucket) return this.limit.burst;
    return Math.min(this.limit.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.limit.perSecond);
  }

  /** Kept until the bucket is full again: after that an entry says nothing a missing one does not. */
  private store(address: string, tokens: number, nowMs: number): void {
    const fullInMs = ((this.limit.burst - tokens) / this.limit.perSecond) * 1000;
    this.buckets.set(address, { tokens, atMs: nowMs }, nowMs + fullInMs);
  }

  private refusal(tokens: number): ApiError {
    const { burst, perSecond } = this.limit;
    const retryAfter = Math.max(1, Math.ceil((1 - tokens) / perSecond));
    return new ApiError(
      "too_many_invalid_keys",
      `Too many invalid API keys from your address. Retry in ${retryAfter} s, with a valid key.`,
      {
        "retry-after": String(retryAfter),
        "ratelimit-limit": String(burst),
        "ratelimit-remaining": "0",
        "ratelimit-reset": String(Math.max(1, Math.ceil((burst - tokens) / perSecond))),
      },
    );
  }
}
