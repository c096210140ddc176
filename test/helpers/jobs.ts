import { expect } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { creditLedger, organizations } from "../../src/db/schema";
import { grant } from "../../src/modules/credits/ledger";
import { eventually } from "./eventually";
import type { Account } from "./factories";
import type { TestApp } from "./harness";

const FINAL = ["succeeded", "failed", "canceled"];

/** Polls a job until it is finished (or the given statuses), as a client would. */
export const waitForJob = (t: TestApp, token: string, projectId: string, jobId: string, until = FINAL, timeoutMs = 20_000) =>
  eventually(
    `job ${jobId} to be ${until.join(" or ")}`,
    async () => {
      const job = (await t.request("GET", `/projects/${projectId}/jobs/${jobId}`, { token })).body.data;
      expect(until).toContain(job.status);
      return job;
    },
    { timeoutMs, everyMs: 20 },
  );

/** The stored balance and the ledger's sum; the rules say they are always equal. */
export async function balanceAndLedgerSum(t: TestApp, orgId: string) {
  const [org] = await t.database.db.select({ balance: organizations.creditBalance }).from(organizations).where(eq(organizations.id, orgId));
  const [sum] = await t.database.db
    .select({ sum: sql<string>`coalesce(sum(${creditLedger.amount}), 0)` })
    .from(creditLedger)
    .where(eq(creditLedger.organizationId, orgId));
  return { balance: org!.balance, ledgerSum: Number(sum!.sum) };
}

/** Ledger entry kinds of an organization, counted. */
export async function ledgerKinds(t: TestApp, orgId: string): Promise<Record<string, number>> {
  const rows = await t.database.db.select({ kind: creditLedger.kind }).from(creditLedger).where(eq(creditLedger.organizationId, orgId));
  const counts: Record<string, number> = {};
  for (const { kind } of rows) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * A new organization and a project in it, owned by `owner`, topped up with FREE_CREDITS by a grant
 * (as an operator would: only personal organizations get free credits): cheaper than a sign-up
 * (no password hashing) when a test only needs a fresh balance.
 */
export async function freshOrganization(t: TestApp, owner: Account, name = "org"): Promise<Account> {
  const org = await t.request("POST", "/private/organizations", { token: owner.token, body: { name } });
  if (org.status !== 201) throw new Error(`organization creation failed: ${JSON.stringify(org.body)}`);
  await t.database.db.transaction((tx) => grant(tx, org.body.data.id, t.deps.config.freeCredits, t.clock.now(), "Test top-up"));
  const project = await t.request("POST", `/private/organizations/${org.body.data.id}/projects`, {
    token: owner.token,
    body: { name: "p" },
  });
  if (project.status !== 201) throw new Error(`project creation failed: ${JSON.stringify(project.body)}`);
  return { ...owner, orgId: org.body.data.id, projectId: project.body.data.id };
}
