import { and, eq, inArray } from "drizzle-orm";
import { type AuditContext, recordAuditEvent, SYSTEM } from "../../audit/record";
import { hashApiKey, isWellFormedApiKey } from "../../auth/api-key-format";
import { apiKeys, projects } from "../../db/schema";
import type { Deps } from "../../deps";
import type { Body, Reply } from "../../http/types";
import { recordKeyEnded } from "../api-keys/key-ended";
import { notRevoked } from "../api-keys/key-settings";
import { consume } from "../rate-limit";

type Report = Body<"reportLeakedKeys">[number];
type Verdict = Reply<"reportLeakedKeys", 200>[number];
type Found = { id: string; projectId: string; organizationId: string; name: string; keyHint: string };

/** Reports per client address: `perMinute` at once, then that many more per minute, evenly. */
export async function limitLeakReports(deps: Deps, address: string | null, now: Date): Promise<void> {
  const perMinute = deps.config.rateLimitLeakReportsPerMinute;
  await deps.db.transaction((tx) =>
    consume(
      tx,
      [
        {
          // No address (not over TCP) counts as one shared address: the limit must not vanish with it.
          bucket: `leak-report:${address ?? "unknown"}`,
          burst: perMinute,
          perSecond: perMinute / 60,
          refusal: (retryAfter) =>
            `Too many leak reports from your address: the limit is ${perMinute} per minute. Retry in ${retryAfter} s.`,
        },
      ],
      now,
    ),
  );
}

/**
 * Ends one leaked key the way a revoke does (the commit returns once no process serves it from
 * its cache), with reason `leaked`, and writes `api_key.revoked` and `api_key.leak_reported` in
 * the same transaction, with the `api_key.revoked` webhook event. False when the key had ended meanwhile.
 */
async function revokeLeaked(deps: Deps, key: Found, report: Report, context: AuditContext): Promise<boolean> {
  return deps.invalidation.commit({ kind: "key", keyId: key.id }, async (tx) => {
    const now = deps.clock.now();
    const [ended] = await tx
      .update(apiKeys)
      .set({ revokedAt: now, revokedReason: "leaked" })
      .where(and(eq(apiKeys.id, key.id), notRevoked(now)))
      .returning();
    if (!ended) return false;
    await recordKeyEnded(tx, ended, { actor: SYSTEM, organizationId: key.organizationId, context }, now);
    await recordAuditEvent(
      tx,
      {
        actor: SYSTEM,
        target: { type: "api_key", id: key.id },
        organizationId: key.organizationId,
        projectId: key.projectId,
        action: "api_key.leak_reported",
        // As reported, bounded by the spec: where the key was found, and by what.
        details: { url: report.url, source: report.source, type: report.type, keyHint: key.keyHint },
      },
      context,
      now,
    );
    return true;
  });
}

/**
 * Every token is hashed and looked up (one query for the whole report), well-formed or not, known
 * or not, so the work done and the answer's shape do not tell a malformed, unknown or revoked
 * token apart; only the label says whether this report ended a key. The answer names no
 * organization or project.
 */
export async function reportLeakedKeys(deps: Deps, reports: Report[], context: AuditContext): Promise<Verdict[]> {
  const hashes = reports.map((r) => hashApiKey(r.token));
  const rows = await deps.db
    .select({
      id: apiKeys.id,
      keyHash: apiKeys.keyHash,
      projectId: apiKeys.projectId,
      organizationId: projects.organizationId,
      name: apiKeys.name,
      keyHint: apiKeys.keyHint,
    })
    .from(apiKeys)
    .innerJoin(projects, eq(projects.id, apiKeys.projectId))
    .where(and(inArray(apiKeys.keyHash, [...new Set(hashes)]), notRevoked(deps.clock.now())));
  const active = new Map(rows.map((r) => [r.keyHash, r]));
  const revoked = new Set<string>();
  for (const [i, report] of reports.entries()) {
    const key = active.get(hashes[i]!);
    if (!key || revoked.has(hashes[i]!) || !isWellFormedApiKey(report.token)) continue;
    if (await revokeLeaked(deps, key, report, context)) revoked.add(hashes[i]!);
  }
  return reports.map((report, i) => ({
    token_hash: hashes[i]!,
    token_type: report.type,
    label: revoked.has(hashes[i]!) ? "true_positive" : "false_positive",
  }));
}
