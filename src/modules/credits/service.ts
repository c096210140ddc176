import { and, desc, eq } from "drizzle-orm";
import { type AuditContext, recordAuditEvent } from "../../audit/record";
import type { SessionPrincipal } from "../../auth/principal";
import { olderThan, toPage } from "../../db/keyset";
import { creditLedger, organizations, users } from "../../db/schema";
import type { Deps } from "../../deps";
import { decodeCursor, encodeCursor } from "../../http/cursor";
import { ApiError, notFound } from "../../http/errors";
import type { Body, Query, Reply } from "../../http/types";
import { requireMembership } from "../access";
import { actorOf } from "../audit/actor";
import { grant } from "./ledger";

type CreditsPage = Reply<"getCredits", 200>;
type Entry = typeof creditLedger.$inferSelect;

const entryView = (e: Entry) => ({
  id: e.id,
  kind: e.kind,
  amount: e.amount,
  jobId: e.jobId,
  note: e.note,
  createdAt: e.createdAt.toISOString(),
});

/** The balance and one page of the ledger, newest first; any member may read it. */
export async function getCredits(deps: Deps, principal: SessionPrincipal, orgId: string, query: Query<"getCredits">): Promise<CreditsPage> {
  await requireMembership(deps.db, principal.user.id, orgId);
  const limit = query.limit ?? 20;
  const [org] = await deps.db
    .select({ balance: organizations.creditBalance, lowThreshold: organizations.creditLowThreshold })
    .from(organizations)
    .where(eq(organizations.id, orgId));
  const rows = await deps.db
    .select()
    .from(creditLedger)
    .where(
      and(
        eq(creditLedger.organizationId, orgId),
        olderThan(creditLedger.createdAt, creditLedger.id, query.cursor === undefined ? undefined : decodeCursor(query.cursor)),
      ),
    )
    .orderBy(desc(creditLedger.createdAt), desc(creditLedger.id))
    .limit(limit + 1);
  const { page, next } = toPage(rows, limit);
  return {
    data: { organizationId: orgId, balance: org?.balance ?? 0, lowThreshold: org?.lowThreshold ?? null, entries: page.map(entryView) },
    nextCursor: next && encodeCursor(next),
  };
}

/** Owners choose the balance under which `credits.low` is sent (src/modules/credits/ledger.ts fires it). */
export async function setLowThreshold(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  input: Body<"setCreditLowThreshold">,
): Promise<Body<"setCreditLowThreshold">> {
  const role = await requireMembership(deps.db, principal.user.id, orgId);
  if (role !== "owner") throw new ApiError("forbidden", "Only an owner of the organization can set the low-balance alert.");
  await deps.db.update(organizations).set({ creditLowThreshold: input.threshold }).where(eq(organizations.id, orgId));
  return { threshold: input.threshold };
}

/**
 * Operators listed in ADMIN_EMAILS top up any organization. Anyone else is refused: with 403 when
 * they belong to it, and otherwise the 404 every foreign organization gets.
 */
export async function grantCredits(
  deps: Deps,
  principal: SessionPrincipal,
  orgId: string,
  input: Body<"grantCredits">,
  context: AuditContext,
): Promise<Reply<"grantCredits", 201>["data"]> {
  const [user] = await deps.db.select({ email: users.email }).from(users).where(eq(users.id, principal.user.id));
  if (!user || !deps.config.adminEmails.includes(user.email)) {
    await requireMembership(deps.db, principal.user.id, orgId);
    throw new ApiError("forbidden", "Only the operators of this instance (listed in its ADMIN_EMAILS setting) can grant credits.");
  }
  const [org] = await deps.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("organization");
  const now = deps.clock.now();
  const note = input.note?.trim() || `Granted by ${user.email}`;
  const { balance, entry } = await deps.db.transaction(async (tx) => {
    const granted = await grant(tx, orgId, input.amount, now, note);
    await recordAuditEvent(
      tx,
      {
        action: "credits.granted",
        actor: actorOf(principal),
        target: { type: "organization", id: orgId },
        organizationId: orgId,
        details: { amount: input.amount, note, ledgerEntryId: granted.entry.id },
      },
      context,
      now,
    );
    return granted;
  });
  return { balance, entry: entryView(entry) };
}
