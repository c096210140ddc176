import type { AccessTokens } from "./auth/access-tokens";
import type { InvalidationBus } from "./auth/invalidation";
import type { KeyCache } from "./auth/key-cache";
import type { KeyExpiryRecorder } from "./auth/key-expiry";
import type { KeyGuessThrottle } from "./auth/key-guess-throttle";
import type { KeyUsage } from "./auth/key-usage";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Db } from "./db/client";
import type { JobFinishEvents } from "./db/job-finish-events";
import type { Logger } from "./http/logger";

/**
 * What every service is given (`(deps, principal, input)`); built once by `createDeps` in
 * wiring.ts. Types only, so modules can name it without depending on the wiring (or the worker).
 */
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
  /** Records the first refusal of each expired key. */
  keyExpiries: KeyExpiryRecorder;
  logger: Logger;
  /** Wakes `GET .../jobs/{jobId}?wait=N` when a job finishes, on whichever process finished it. */
  jobEvents: JobFinishEvents;
};
