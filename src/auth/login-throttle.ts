import { type AuditContext, NO_REQUEST } from "../audit/record";
import type { Db } from "../db/client";
import { type BucketLimit, returnToken, secondsUntilToken, takeToken } from "../db/token-bucket";
import { ApiError } from "../http/errors";
import { type LockScope, recordLoginLock } from "./login-lock-event";

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/**
 * Each limit allows `attempts` at once, then `attempts` more per `windowSeconds`, one at a time,
 * so no window of that length ever sees more than twice `attempts`. The README's "Login attempts"
 * states the same numbers (OWASP ASVS 2.2.1: at most 100 failed attempts per account per hour).
 */
export const LOGIN_POLICY = {
  /** One account from one address: the lock a stranger elsewhere cannot trigger for the owner. */
  accountAtAddress: { attempts: 10, windowSeconds: 15 * MINUTE },
  /** One account from all addresses together: 50 + 50 an hour, so never more than 100 in an hour. */
  account: { attempts: 50, windowSeconds: HOUR },
  /** One address for all accounts together: credential stuffing from one place. */
  address: { attempts: 100, windowSeconds: HOUR },
} as const;

export type LoginAttempt = { email: string; address: string | null };

type ScopedLimit = BucketLimit & { scope: LockScope };

/** The buckets an attempt draws from, tightest first. */
function limitsFor({ email, address }: LoginAttempt): ScopedLimit[] {
  // No address (not over TCP) counts as one shared address: the limit must not vanish with it.
  const from = address ?? "unknown";
  const limit = (bucket: string, scope: LockScope, { attempts, windowSeconds }: { attempts: number; windowSeconds: number }) => ({
    bucket,
    scope,
    burst: attempts,
    perSecond: attempts / windowSeconds,
  });
  return [
    limit(`login:account-address:${email}|${from}`, "account_at_address", LOGIN_POLICY.accountAtAddress),
    limit(`login:account:${email}`, "account", LOGIN_POLICY.account),
    limit(`login:address:${from}`, "address", LOGIN_POLICY.address),
  ];
}

/** An attempt let through; settle it once the password has been checked. */
export type AdmittedLogin = { limits: BucketLimit[] };

/**
 * Counts the attempt in every bucket, in one transaction and before the password is hashed: the
 * upserts lock the rows, so however many attempts race (in however many processes), no more than
 * a bucket holds get past. A refusal rolls back the takes from the other buckets.
 *
 * This is the one place where a login is locked out, so the audit event of a lock is written
 * here, after the refused transaction rolled back (src/auth/login-lock-event.ts: once per lock).
 */
export async function admitLoginAttempt(
  db: Db,
  attempt: LoginAttempt,
  now: Date,
  context: AuditContext = NO_REQUEST,
): Promise<AdmittedLogin> {
  const limits = limitsFor(attempt);
  let refused: { limit: ScopedLimit; retryAfterSeconds: number } | undefined;
  try {
    await db.transaction(async (tx) => {
      for (const limit of limits) {
        const outcome = await takeToken(tx, limit, now);
        if (outcome.taken) continue;
        refused = { limit, retryAfterSeconds: secondsUntilToken(limit, outcome.tokens) };
        throw lockedOut(refused.retryAfterSeconds);
      }
    });
  } catch (error) {
    if (refused) {
      const { limit, retryAfterSeconds } = refused;
      // The refusal stands even if its record fails: `lockedAt` rolled back with the event, so the
      // next refused attempt records the lock instead.
      await recordLoginLock(db, { bucket: limit.bucket, scope: limit.scope, email: attempt.email, retryAfterSeconds }, context, now).catch(
        () => {},
      );
    }
    throw error;
  }
  return { limits };
}

function lockedOut(retryAfterSeconds: number): ApiError {
  const wait = retryAfterSeconds < 120 ? `${retryAfterSeconds} seconds` : `${Math.ceil(retryAfterSeconds / 60)} minutes`;
  return new ApiError("too_many_login_attempts", `Too many login attempts. Try again in ${wait}.`, {
    "retry-after": String(retryAfterSeconds),
  });
}

/**
 * A successful login gives back the token it took (it was no guess), and nothing more: wiping
 * the count on success would let guesses racing alongside a known password through.
 */
export async function settleSuccessfulLogin(db: Db, admitted: AdmittedLogin): Promise<void> {
  for (const limit of admitted.limits) await returnToken(db, limit);
}
