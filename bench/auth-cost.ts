import { createAccessTokens } from "../src/auth/access-tokens";
import { createKeyCaching } from "../src/auth/invalidation";
import { KeyGuessThrottle } from "../src/auth/key-guess-throttle";
import { KeyUsage } from "../src/auth/key-usage";
import { authenticate } from "../src/auth/principal";
import { systemClock } from "../src/clock";
import { openPostgres } from "../src/db/client";
import type { Deps } from "../src/deps";
import { silentLogger } from "../src/http/logger";
import { TEST_JWT_SECRET } from "../test/helpers/harness";

/** Mean microseconds per call of `authenticate` (the whole check, in process, no HTTP). */
async function perCall(iterations: number, header: () => string, deps: Deps): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 1000); i++) await authenticate(deps, header()).catch(() => {});
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await authenticate(deps, header()).catch(() => {});
  return ((performance.now() - start) * 1000) / iterations;
}

/**
 * What the check itself costs, apart from the route and the HTTP stack: the number the load test
 * cannot show on a busy machine, where the route's own query dominates.
 */
export async function measureAuthCost(url: string, keys: string[], userId: string) {
  const database = openPostgres(url);
  const build = async (cacheSize: number) => {
    const { keyCache, invalidation } = createKeyCaching(
      database,
      { authCacheSize: cacheSize, authCacheTtlMs: 5000, authCacheLeaseMs: 2000 },
      silentLogger,
    );
    await invalidation.start();
    const tokens = createAccessTokens(TEST_JWT_SECRET, 3600, cacheSize);
    const keyGuesses = new KeyGuessThrottle({ burst: 1_000_000_000, perSecond: 1 }); // never in the way: this measures the check itself
    const deps = {
      db: database.db,
      keyCache,
      invalidation,
      tokens,
      keyUsage: new KeyUsage(database.db, 1000),
      keyGuesses,
      clock: systemClock,
    } as unknown as Deps;
    return { deps, stop: () => invalidation.stop() };
  };
  const on = await build(10_000);
  const off = await build(0);
  try {
    const jwt = await on.deps.tokens.issue(userId);
    let i = 0;
    const rotating = () => `Bearer ${keys[i++ % keys.length]}`;
    return {
      "malformed key (refused before the database)": await perCall(100_000, () => "Bearer azs_not-a-key", on.deps),
      "API key, cache hit": await perCall(100_000, () => `Bearer ${keys[0]}`, on.deps),
      "1,000 keys round robin, cache hits": await perCall(100_000, rotating, on.deps),
      "API key, cache off (indexed lookup)": await perCall(3_000, () => `Bearer ${keys[0]}`, off.deps),
      "JWT, cache hit": await perCall(100_000, () => `Bearer ${jwt}`, on.deps),
      "JWT, cache off (HS256 verify)": await perCall(10_000, () => `Bearer ${jwt}`, off.deps),
    };
  } finally {
    await on.stop();
    await off.stop();
    await database.close();
  }
}
