import type { Db } from "../db/client";
import { type BucketLimit, returnToken, secondsUntilToken, takeToken } from "../db/token-bucket";
import { ApiError } from "../http/errors";

/**
 * Sign-up answers 409 `email_taken` for an email that has an account (README "Account
 * enumeration" says why), so each client address gets few of those answers: 10 at once, then 10
 * an hour, one every 6 minutes. A sign-up that creates an account gives its token back: an office
 * behind one address can sign up its people, while checking a list of emails stalls at once.
 */
export const EMAIL_TAKEN_ANSWERS = { attempts: 10, windowSeconds: 60 * 60 } as const;

const limitFor = (address: string | null): BucketLimit => ({
  // No address (not over TCP) counts as one shared address: the limit must not vanish with it.
  bucket: `register:email-taken:${address ?? "unknown"}`,
  burst: EMAIL_TAKEN_ANSWERS.attempts,
  perSecond: EMAIL_TAKEN_ANSWERS.attempts / EMAIL_TAKEN_ANSWERS.windowSeconds,
});

/** A sign-up let through; settle it once it is known whether the email was taken. */
export type AdmittedRegistration = { limit: BucketLimit };

/**
 * Reserves one `email_taken` answer before the sign-up does any work; with none left, every
 * sign-up from the address gets the same 429, whether its email is taken or not.
 */
export async function admitRegistration(db: Db, address: string | null, now: Date): Promise<AdmittedRegistration> {
  const limit = limitFor(address);
  const outcome = await db.transaction((tx) => takeToken(tx, limit, now));
  if (!outcome.taken) {
    const retryAfter = secondsUntilToken(limit, outcome.tokens);
    throw new ApiError(
      "too_many_registrations",
      `Too many sign-ups for emails that already have an account came from your address. Try again in ${Math.ceil(retryAfter / 60)} minute(s), or log in.`,
      { "retry-after": String(retryAfter) },
    );
  }
  return { limit };
}

/** An account was created: the reserved answer was not needed. */
export async function settleCreatedAccount(db: Db, admitted: AdmittedRegistration): Promise<void> {
  await returnToken(db, admitted.limit);
}
