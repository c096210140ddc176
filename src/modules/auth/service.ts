import { eq } from "drizzle-orm";
import { type AuditContext, recordAuditEvent, SYSTEM } from "../../audit/record";
import { admitLoginAttempt, settleSuccessfulLogin } from "../../auth/login-throttle";
import { hashPassword, verifyPassword } from "../../auth/passwords";
import { issueRefreshToken, revokeByToken, spendRefreshToken } from "../../auth/refresh-tokens";
import { admitRegistration, settleCreatedAccount } from "../../auth/registration-throttle";
import { databaseErrorCode } from "../../db/errors";
import { memberships, organizations, projects, users } from "../../db/schema";
import type { Deps } from "../../deps";
import { ApiError } from "../../http/errors";
import type { Body, Reply } from "../../http/types";
import { newId } from "../../ids";
import { limitSignUps } from "../creation-limits";
import { grantFreeCredits } from "../credits/ledger";

type TokenPair = Reply<"login", 200>["data"];

const emailTaken = () => new ApiError("email_taken", "An account with this email already exists. Log in instead.");

/**
/**
 * Creates the user, their personal organization and its "Default project" in one transaction. The
 * personal organization is the only one that gets FREE_CREDITS: free credits go once per account.
 * Sign-ups per address are capped (src/modules/creation-limits.ts), and so are `email_taken`
 * answers, against enumeration (src/auth/registration-throttle.ts).
 */
export async function register(deps: Deps, input: Body<"register">, context: AuditContext) {
  const clientIp = context.ip;
  await limitSignUps(deps, clientIp); // before the slow hash
  const now = deps.clock.now();
  const email = input.email.toLowerCase();
  const admitted = await admitRegistration(deps.db, clientIp, now);
  const passwordHash = await hashPassword(input.password);
  const user = { id: newId(now), email, name: input.name, passwordHash, createdAt: now };
  const orgId = newId(now);
  try {
    await deps.db.transaction(async (tx) => {
      await tx.insert(users).values(user);
      await tx
        .insert(organizations)
        .values({ id: orgId, name: `${input.name}'s organization`.slice(0, 100), personal: true, createdAt: now });
      await tx.insert(memberships).values({ organizationId: orgId, userId: user.id, role: "owner", createdAt: now });
      const projectId = newId(now);
      await tx.insert(projects).values({ id: projectId, organizationId: orgId, name: "Default project", createdAt: now });
      await grantFreeCredits(tx, orgId, deps.config.freeCredits, now);
      const actor = { type: "user" as const, id: user.id };
      const event = (e: Parameters<typeof recordAuditEvent>[1]) => recordAuditEvent(tx, e, context, now);
      await event({
        action: "organization.created",
        actor,
        target: { type: "organization", id: orgId },
        organizationId: orgId,
        details: { personal: true },
      });
      await event({
        action: "project.created",
        actor,
        target: { type: "project", id: projectId },
        organizationId: orgId,
        projectId,
        details: { name: "Default project" },
      });
      if (deps.config.freeCredits > 0) {
        await event({
          action: "credits.granted",
          actor: SYSTEM,
          target: { type: "organization", id: orgId },
          organizationId: orgId,
          details: { amount: deps.config.freeCredits, note: "Free credits for a new account" },
        });
      }
    });
  } catch (error) {
    if (databaseErrorCode(error) === "23505") throw emailTaken(); // unique_violation on email
    throw error;
  }
  await settleCreatedAccount(deps.db, admitted);
  return { id: user.id, email, name: user.name, createdAt: now.toISOString() };
}

async function tokenPair(deps: Deps, userId: string, familyId: string): Promise<TokenPair> {
  return {
    accessToken: await deps.tokens.issue(userId),
    refreshToken: await issueRefreshToken(deps.db, userId, familyId, deps.clock.now(), deps.config.refreshTokenTtlSeconds),
    tokenType: "Bearer",
    expiresIn: deps.tokens.ttlSeconds,
  };
}

/**
 * Same 401 for an unknown email and a wrong password, in about the same time. The attempt is
 * counted against the login limits before the password is hashed; only a success gives it back.
 */
export async function login(deps: Deps, input: Body<"login">, context: AuditContext): Promise<TokenPair> {
  const now = deps.clock.now();
  const email = input.email.toLowerCase();
  const admitted = await admitLoginAttempt(deps.db, { email, address: context.ip }, now, context);
  const [user] = await deps.db.select().from(users).where(eq(users.email, email)).limit(1);
  if (!(await verifyPassword(input.password, user?.passwordHash)) || !user) {
    throw new ApiError("invalid_credentials", "The email or password is wrong.");
  }
  await settleSuccessfulLogin(deps.db, admitted);
  return tokenPair(deps, user.id, newId(now));
}

export async function refresh(deps: Deps, input: Body<"refresh">): Promise<TokenPair> {
  const spent = await spendRefreshToken(deps.db, input.refreshToken, deps.clock.now());
  if (!spent) {
    throw new ApiError("invalid_refresh_token", "The refresh token is invalid, expired or already used. Log in again.");
  }
  return tokenPair(deps, spent.userId, spent.familyId);
}

export async function logout(deps: Deps, input: Body<"logout">): Promise<void> {
  await revokeByToken(deps.db, input.refreshToken, deps.clock.now());
}
