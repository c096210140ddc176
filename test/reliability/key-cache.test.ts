import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAccessTokens } from "../../src/auth/access-tokens";
import { generateApiKey } from "../../src/auth/api-key-format";
import type { ActiveKey } from "../../src/auth/api-key-lookup";
import { InvalidationBus } from "../../src/auth/invalidation";
import { KeyCache } from "../../src/auth/key-cache";
import { LruCache } from "../../src/auth/lru";
import { type AuthDeps, authenticate } from "../../src/auth/principal";
import type { Database } from "../../src/db/client";
import { silentLogger } from "../../src/http/logger";
import { freshDatabase } from "../helpers/database";
import { TEST_JWT_SECRET, TestClock } from "../helpers/harness";

const key = (n: number, extra: Partial<ActiveKey> = {}): ActiveKey => ({
  keyId: `key${n}`,
  userId: "user1",
  projectId: "project1",
  organizationId: "org1",
  ...extra,
});

/** A lookup that counts database visits. */
function counting(result: ActiveKey | null) {
  const lookup = async () => {
    lookup.calls++;
    return result;
  };
  lookup.calls = 0;
  return lookup;
}

function trustedCache(size = 10, ttlMs = 5000, now = Date.now) {
  const cache = new KeyCache(size, ttlMs, now);
  cache.resume();
  return cache;
}

describe("the LRU", () => {
  test("never holds more than its bound and forgets the least recently used first", () => {
    const lru = new LruCache<number>(3);
    for (const k of ["a", "b", "c"]) lru.set(k, 1, Infinity);
    lru.get("a", 0);
    lru.set("d", 1, Infinity);
    expect(lru.size).toBe(3);
    expect(lru.get("b", 0)).toBeUndefined();
    expect(lru.get("a", 0)).toBe(1);
    for (let i = 0; i < 1000; i++) lru.set(`k${i}`, i, Infinity);
    expect(lru.size).toBe(3);
  });

  test("size 0 caches nothing", () => {
    const lru = new LruCache<number>(0);
    lru.set("a", 1, Infinity);
    expect(lru.get("a", 0)).toBeUndefined();
  });
});

describe("the key cache", () => {
  test("a cached key is answered without the database until the safety TTL runs out", async () => {
    let now = 1_000;
    const cache = trustedCache(10, 5000, () => now);
    const lookup = counting(key(1));
    for (let i = 0; i < 5; i++) expect(await cache.resolve("h1", lookup)).toEqual(key(1));
    expect(lookup.calls).toBe(1);
    now += 5000;
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(2);
  });

  test("unknown keys are never cached", async () => {
    const cache = trustedCache();
    const lookup = counting(null);
    await cache.resolve("h1", lookup);
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(2);
  });

  test("a revoke, a member removal or a project deletion drops exactly the keys it ends", async () => {
    const cache = trustedCache();
    const keys = [key(1), key(2, { userId: "user2" }), key(3, { organizationId: "org2" }), key(4, { projectId: "project2" })];
    for (const [i, k] of keys.entries()) await cache.resolve(`h${i}`, counting(k));
    cache.invalidate({ kind: "key", keyId: "key1" });
    expect(cache.size).toBe(3);
    cache.invalidate({ kind: "member", organizationId: "org1", userId: "user2" });
    expect(cache.size).toBe(2);
    cache.invalidate({ kind: "project", projectId: "project2" });
    expect(cache.size).toBe(1);
    const lookup = counting(keys[2]!);
    await cache.resolve("h2", lookup);
    expect(lookup.calls).toBe(0);
  });

  test("a lookup that was in flight when a revoke landed does not put the key back", async () => {
    const cache = trustedCache();
    let release!: (k: ActiveKey) => void;
    const pending = cache.resolve("h1", () => new Promise<ActiveKey>((r) => (release = r)));
    cache.invalidate({ kind: "key", keyId: "key1" });
    release(key(1)); // the row the query read predates the revoke
    await pending;
    const after = counting(null);
    expect(await cache.resolve("h1", after)).toBeNull();
    expect(after.calls).toBe(1);
  });

  test("while the listener is down nothing is served from or put into the cache", async () => {
    const cache = trustedCache();
    await cache.resolve("h1", counting(key(1)));
    cache.suspend();
    const lookup = counting(key(1));
    await cache.resolve("h1", lookup);
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(2);
    cache.resume();
    await cache.resolve("h1", lookup);
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(3);
  });
});

describe("the hot path", () => {
  test("a malformed key (prefix, length or checksum) is refused before any database work", async () => {
    const untouchable = new Proxy({}, { get: () => { throw new Error("the database was touched"); } });
    const deps = { db: untouchable, keyCache: trustedCache() } as unknown as AuthDeps;
    const good = generateApiKey();
    const flipped = good.slice(0, 10) + (good[10] === "a" ? "b" : "a") + good.slice(11); // checksum no longer matches
    for (const key of ["azs_short", `${good}x`, flipped, `azs_${"!".repeat(42)}`]) {
      await expect(authenticate(deps, `Bearer ${key}`)).rejects.toMatchObject({ code: "invalid_api_key" });
    }
    await expect(authenticate(deps, `Bearer ${good}`)).rejects.toThrow("the database was touched");
  });
});

describe("access-token cache", () => {
  test("a cached token stops verifying at its exp, like an uncached one", async () => {
    const clock = new TestClock();
    const tokens = createAccessTokens(TEST_JWT_SECRET, 60, 100, clock);
    const token = await tokens.issue("user1");
    expect(await tokens.verify(token)).toBe("user1");
    expect(await tokens.verify(token)).toBe("user1");
    clock.advance(61_000);
    expect(await tokens.verify(token)).toBeNull();
    const uncached = createAccessTokens(TEST_JWT_SECRET, 60, 0, clock);
    expect(await uncached.verify(token)).toBeNull();
  });

  test("a token signed with another secret is refused even after a good one was cached", async () => {
    const tokens = createAccessTokens(TEST_JWT_SECRET, 60, 100);
    const forged = await createAccessTokens("another-secret-that-is-long-enough-to-use", 60).issue("user1");
    expect(await tokens.verify(await tokens.issue("user1"))).toBe("user1");
    expect(await tokens.verify(forged)).toBeNull();
  });
});

describe("invalidation across processes sharing a database (LISTEN/NOTIFY; in-process on PGlite)", () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  }, 60_000);
  afterAll(() => database.close());

  test("a commit through one bus empties the other bus's cache; a rolled-back one does not", async () => {
    const here = trustedCache();
    const there = new KeyCache(10, 60_000);
    const busHere = new InvalidationBus(database, here, silentLogger);
    const busThere = new InvalidationBus(database, there, silentLogger);
    await busHere.start();
    await busThere.start();
    try {
      const lookup = counting(key(1));
      await there.resolve("h1", lookup);
      await busHere.commit({ kind: "key", keyId: "other" }, async () => {});
      await expect(busHere.commit({ kind: "key", keyId: "key1" }, async () => Promise.reject(new Error("rolled back")))).rejects.toThrow();
      await Bun.sleep(200);
      await there.resolve("h1", lookup);
      expect(lookup.calls).toBe(1);

      await busHere.commit({ kind: "key", keyId: "key1" }, async () => {});
      for (let i = 0; i < 50 && there.size > 0; i++) await Bun.sleep(20);
      expect(there.size).toBe(0);
    } finally {
      await busHere.stop();
      await busThere.stop();
    }
  });
});
