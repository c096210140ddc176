import { createAccessTokens } from "./auth/access-tokens";
import { createKeyCaching } from "./auth/invalidation";
import { KeyExpiryRecorder } from "./auth/key-expiry";
import { KeyGuessThrottle } from "./auth/key-guess-throttle";
import { KeyUsage } from "./auth/key-usage";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db/client";
import { JobFinishEvents } from "./db/job-finish-events";
import type { Deps } from "./deps";
import type { Logger } from "./http/logger";
import { recordExpiredKeys } from "./modules/api-keys/expiry-events";
import { Housekeeping } from "./worker/housekeeping";
import { WebhookDeliverer } from "./worker/webhook-delivery";
import { Worker } from "./worker/worker";

/** The services' dependencies, plus this process's job worker and webhook deliverer (none when WORKER=off) and its periodic clean-up. */
export type Wired = Deps & { worker: Worker | undefined; webhooks: WebhookDeliverer | undefined; housekeeping: Housekeeping };

/**
 * The composition root: wires the dependencies for one database, the same way for the server and
 * the tests. The invalidation listener is started here (the key cache is not trusted before it
 * listens); the caller starts the `keyUsage` flush timer, the worker and `housekeeping` if it wants them.
 */
export async function createDeps(database: Database, config: Config, clock: Clock, logger: Logger): Promise<Wired> {
  const { keyCache, invalidation } = createKeyCaching(database, config, logger);
  await invalidation.start();
  const jobEvents = new JobFinishEvents(database.db);
  await jobEvents.start();
  return {
    db: database.db,
    ping: database.ping,
    config,
    clock,
    tokens: createAccessTokens(config.jwtSecret, config.accessTokenTtlSeconds, config.authCacheSize, clock),
    keyUsage: new KeyUsage(database.db, config.keyUsageFlushMs),
    keyCache,
    invalidation,
    keyGuesses: new KeyGuessThrottle({ burst: config.keyFailureBurst, perSecond: config.keyFailurePerSecond }),
    keyExpiries: new KeyExpiryRecorder((keyId, now) => recordExpiredKeys(database.db, now, keyId)),
    logger,
    jobEvents,
    worker: config.workerEnabled ? new Worker({ db: database.db, clock, config, logger }) : undefined,
    webhooks: config.workerEnabled ? new WebhookDeliverer({ db: database.db, clock, config, logger }) : undefined,
    housekeeping: new Housekeeping({ db: database.db, clock, logger, config }),
  };
}
