import { createAccessTokens, type AccessTokens } from "./auth/access-tokens";
import { createKeyCaching, type InvalidationBus } from "./auth/invalidation";
import type { KeyCache } from "./auth/key-cache";
import { KeyGuessThrottle } from "./auth/key-guess-throttle";
import { KeyUsage } from "./auth/key-usage";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database, Db } from "./db/client";
import type { Logger } from "./http/logger";

/** What the app is built from; tests pass their own database, clock and logger. */
export type Deps = {
  db: Db;
  /** Resolves when the database answers; for `/ready`. */
  ping: () => Promise<void>;
  config: Config;
  clock: Clock;
  tokens: AccessTokens;
  keyUsage: KeyUsage;
  /** Verified API keys, emptied by `invalidation` when keys end. */
  keyCache: KeyCache;
  /** Commits a change that ends keys and returns once no process serves them from its cache; see src/auth/invalidation.ts. */
  invalidation: InvalidationBus;
  /** Failed key lookups per client address, in this process. */
  keyGuesses: KeyGuessThrottle;
  logger: Logger;
};

/**
 * Wires the dependencies for one database, the same way for the server and the tests. The
 * invalidation listener is started here (the key cache is not trusted before it listens); the
 * caller starts the `keyUsage` flush timer if it wants one.
 */
export async function createDeps(database: Database, config: Config, clock: Clock, logger: Logger): Promise<Deps> {
  const { keyCache, invalidation } = createKeyCaching(database, config, logger);
  await invalidation.start();
  return {
    db: database.db,
    ping: database.ping,
    config,
    clock,
    tokens: createAccessTokens(config.jwtSecret, config.accessTokenTtlSeconds, config.authCacheSize),
    keyUsage: new KeyUsage(database.db, config.keyUsageFlushMs),
    keyCache,
    invalidation,
    keyGuesses: new KeyGuessThrottle({ burst: config.keyFailureBurst, perSecond: config.keyFailurePerSecond }),
    logger,
  };
}
