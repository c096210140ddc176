import { databaseErrorCode } from "./errors";

/** serialization_failure and deadlock_detected: PostgreSQL rolled the work back, so running it again is safe. */
const RETRYABLE = new Set(["40001", "40P01"]);
const ATTEMPTS = 4;

/**
 * Runs `transaction` (which opens and commits a transaction of its own) again when PostgreSQL
 * aborted it as a serialization failure or a deadlock victim: up to 4 attempts, after a short
 * random pause so the rivals do not collide again in step. Other errors pass through.
 */
export async function retryOnConflict<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has(databaseErrorCode(error) ?? "")) throw error;
      await Bun.sleep(Math.random() * 10 * attempt);
    }
  }
}
