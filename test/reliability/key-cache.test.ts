import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { createAccessTokens } from "../../src/auth/access-tokens";
import { generateApiKey } from "../../src/auth/api-key-format";
import type { ActiveKey } from "../../src/auth/api-key-lookup";
import { InvalidationBus, listenerAppName } from "../../src/auth/invalidation";
import { KeyCache } from "../../src/auth/key-cache";
import { KeyGuessThrottle } from "../../src/auth/key-guess-throttle";
import { LruCache } from "../../src/auth/lru";
import { type AuthDeps, authenticate } from "../../src/auth/principal";
import { systemClock } from "../../src/clock";
import type { Database } from "../../src/db/client";
import { serverProcesses } from "../../src/db/schema";
import { freshDatabase, testServerUrl } from "../helpers/database";
import { keyRecord } from "../helpers/factories";
import { TEST_JWT_SECRET, TestClock } from "../helpers/harness";

const key = (n: number, extra: Partial<ActiveKey> = {}): ActiveKey =>
  keyRecord({ keyId: `key${n}`, userId: "user1", projectId: "project1", organizationId: "org1", ...extra });

/** A lookup that counts database visits. */
function counting(result: ActiveKey | null) {
  const lookup = async () => {
    lookup.calls++;
    return result;
  };
  lookup.calls = 0;
  return lookup;
}

function trustedCache(size = 10, ttlMs = 5000, now?: () => number) {
  const cache = new KeyCache(size, ttlMs, now);
  cache.trustUntil(Infinity);
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

  test("a suspended cache (listener lost) is empty and neither read nor filled until the next renewal", async () => {
    const cache = trustedCache();
    await cache.resolve("h1", counting(key(1)));
    cache.suspend();
    expect(cache.size).toBe(0);
    const lookup = counting(key(1));
    await cache.resolve("h1", lookup);
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(2);
    cache.trustUntil(Infinity);
    await cache.resolve("h1", lookup);
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(3);
  });

  test("once the lease runs out nothing is served from or put into the cache; a renewal serves it again", async () => {
    let now = 1_000;
    const cache = new KeyCache(10, 60_000, () => now);
    cache.trustUntil(2_000);
    const lookup = counting(key(1));
    await cache.resolve("h1", lookup);
    now = 1_999;
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(1);
    now = 2_000;
    await cache.resolve("h1", lookup);
    await cache.resolve("h2", counting(key(2)));
    expect(lookup.calls).toBe(2);
    expect(cache.size).toBe(1);
    cache.trustUntil(3_000);
    await cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(2);
  });

  test("a lookup that began before a suspension is not cached after the renewal", async () => {
    const cache = trustedCache();
    let release!: (k: ActiveKey) => void;
    const pending = cache.resolve("h1", () => new Promise<ActiveKey>((r) => (release = r)));
    cache.suspend(); // a new listening session: what the lookup read may have ended unheard
    cache.trustUntil(Infinity);
    release(key(1));
    await pending;
    expect(cache.size).toBe(0);
  });
});

describe("the hot path", () => {
  test("a malformed key (prefix, length or checksum) is refused before any database work", async () => {
    const untouchable = new Proxy(
      {},
      {
        get: () => {
          throw new Error("the database was touched");
        },
      },
    );
    const keyGuesses = new KeyGuessThrottle({ burst: 10, perSecond: 1 });
    const deps = { db: untouchable, keyCache: trustedCache(), keyGuesses, clock: systemClock } as unknown as AuthDeps;
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

const LEASE_MS = 600;

/** Whether, within a few seconds, a lookup is answered from the cache (the lease is renewed). */
async function servedFromCacheSoon(cache: KeyCache, lookup: ReturnType<typeof counting>): Promise<boolean> {
  for (let i = 0; i < 250; i++) {
    const before = lookup.calls;
    await cache.resolve("h1", lookup);
    if (lookup.calls === before) return true;
    await Bun.sleep(20);
  }
  return false;
}

describe("invalidation across processes sharing a database (LISTEN/NOTIFY)", () => {
  let database: Database;
  const buses: InvalidationBus[] = [];
  beforeAll(async () => {
    database = await freshDatabase();
  }, 60_000);
  afterAll(() => database.close());
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.stop();
  });

  /** A bus with its own cache, as one server process has; `logs` collects what it logs. */
  async function serverProcess(ttlMs = 60_000) {
    const cache = new KeyCache(10, ttlMs);
    const logs: Record<string, unknown>[] = [];
    const bus = new InvalidationBus(
      database,
      cache,
      { info: (f) => void logs.push(f), warn: (f) => void logs.push(f), error: (f) => void logs.push(f) },
      LEASE_MS,
    );
    buses.push(bus);
    await bus.start();
    return { cache, bus, logs };
  }

  test("a commit returns only once the other process dropped the key; a rolled-back one drops nothing", async () => {
    const here = await serverProcess();
    const there = await serverProcess();
    const lookup = counting(key(1));
    await there.cache.resolve("h1", lookup);
    await expect(here.bus.commit({ kind: "key", keyId: "key1" }, async () => Promise.reject(new Error("rolled back")))).rejects.toThrow();
    await here.bus.commit({ kind: "key", keyId: "other" }, async () => {});
    await there.cache.resolve("h1", lookup);
    expect(lookup.calls).toBe(1);

    await here.bus.commit({ kind: "key", keyId: "key1" }, async () => {});
    expect(there.cache.size).toBe(0);
    expect(
      [...here.logs, ...there.logs].filter((l) => l.event === "auth_invalidation_unconfirmed" || l.event === "auth_listener_lost"),
    ).toEqual([]);
  });

  test("a registered process that never confirms holds a commit back at most a lease", async () => {
    const here = await serverProcess();
    await database.db
      .insert(serverProcesses)
      .values({ id: "silent0000000000", host: "gone", pid: 1, startedAt: new Date(), seenAt: new Date() });
    try {
      await here.bus.commit({ kind: "key", keyId: "key1" }, async () => {});
      expect(here.logs).toContainEqual({ event: "auth_invalidation_unconfirmed", kind: "key", peers: ["silent0000000000"] });
    } finally {
      await database.db.delete(serverProcesses).where(eq(serverProcesses.id, "silent0000000000"));
    }
  });

  test("a process whose heartbeat cannot get through stops serving from its cache, and serves again once it does", async () => {
    const there = await serverProcess();
    const lookup = counting(key(1));
    await there.cache.resolve("h1", lookup);
    await database.db.transaction(async (tx) => {
      // Blocks the heartbeat's upsert.
      await tx.execute(sql`lock table server_processes in exclusive mode`);
      await Bun.sleep(LEASE_MS + 100);
      await there.cache.resolve("h1", lookup);
      expect(lookup.calls).toBe(2);
    });
    expect(await servedFromCacheSoon(there.cache, lookup)).toBe(true);
  });

  test("a process whose listener connection is down serves nothing from its cache until it listens again", async () => {
    const there = await serverProcess();
    const lookup = counting(key(1));
    await there.cache.resolve("h1", lookup);
    const [{ name }] = (await database.db.execute(sql`select current_database() as name`)) as unknown as [{ name: string }];
    // The listener cannot come back while the database refuses new connections.
    const admin = postgres(await testServerUrl(), { max: 1, onnotice: () => {} });
    await admin.unsafe(`alter database ${name} allow_connections false`);
    try {
      await database.db.execute(sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name = ${listenerAppName()}`);
      for (let i = 0; i < 200 && !there.logs.some((l) => l.event === "auth_listener_lost"); i++) await Bun.sleep(10);
      expect(there.logs.some((l) => l.event === "auth_listener_lost")).toBe(true);
      await Bun.sleep(LEASE_MS); // long enough for any heartbeat to have renewed the lease, had one got through
      for (let i = 0; i < 3; i++) await there.cache.resolve("h1", lookup);
      expect(lookup.calls).toBe(4);
    } finally {
      await admin.unsafe(`alter database ${name} allow_connections true`);
      await admin.end();
    }
    expect(await servedFromCacheSoon(there.cache, lookup)).toBe(true);
    expect(there.logs.filter((l) => l.event === "auth_listener_ready").length).toBe(2);
  });
});
