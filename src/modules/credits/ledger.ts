import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { creditLedger, organizations } from "../../db/schema";
import { newId } from "../../ids";

type LedgerKind = (typeof creditLedger.$inferSelect)["kind"];

/**
 * The ledger row of a movement. Each function below changes the balance by the same amount in the
 * same transaction, so the balance is always the ledger's sum.
 */
async function move(
  tx: Tx,
  organizationId: string,
  kind: LedgerKind,
  amount: number,
  now: Date,
  extra: { jobId?: string; note?: string } = {},
) {
  const entry = { id: newId(now), organizationId, kind, amount, jobId: extra.jobId ?? null, note: extra.note ?? null, createdAt: now };
  await tx.insert(creditLedger).values(entry);
  return entry;
}

/** Adds credits (a new organization's free credits, or an operator's top-up). */
export async function grant(tx: Tx, organizationId: string, amount: number, now: Date, note: string) {
  const [row] = await tx
    .update(organizations)
    .set({ creditBalance: sql`${organizations.creditBalance} + ${amount}` })
    .where(eq(organizations.id, organizationId))
    .returning({ balance: organizations.creditBalance });
  if (!row) throw new Error("grant to an organization that does not exist");
  const entry = await move(tx, organizationId, "grant", amount, now, { note });
  return { balance: row.balance, entry };
}

/** A new account's credits (FREE_CREDITS, once per account), as a ledger entry like any other grant. */
export async function grantFreeCredits(tx: Tx, organizationId: string, amount: number, now: Date): Promise<void> {
  if (amount > 0) await grant(tx, organizationId, amount, now, "Free credits for a new account");
}

/** Gives a job's reserved credit back (failed or canceled). */
export async function release(tx: Tx, organizationId: string, jobId: string, now: Date): Promise<void> {
  await tx
    .update(organizations)
    .set({ creditBalance: sql`${organizations.creditBalance} + 1` })
    .where(eq(organizations.id, organizationId));
  await move(tx, organizationId, "release", 1, now, { jobId });
}
