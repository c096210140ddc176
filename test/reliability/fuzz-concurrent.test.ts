import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { generateApiKey, hashApiKey, keyHint } from "../../src/auth/api-key-format";
import { apiKeys, jobs, memberships, organizations, projects } from "../../src/db/schema";
import { specOperations } from "../../src/http/spec";
import { newId } from "../../src/ids";
import { grant } from "../../src/modules/credits/ledger";
import { type Account, signUp } from "../helpers/factories";
import { createTestApp, type TestApp } from "../helpers/harness";
import { valid } from "./schema-arbitrary";

/**
 * Concurrent writes, for every authenticated operation in openapi.yaml that changes something: batches of 2 to 6
 * requests sent at once by the members of a fresh organization (random roles), at that
 * organization's own objects, with duplicates (a double submit). Races such as two owners removing
 * each other must end in an answer the spec lists, never a 5xx. The races are real: the requests
 * run on a pool of connections. A fixed seed when CI=true; a random one locally.
 */
const RUNS_PER_OPERATION = 20;
const baseSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) + 1 : Date.now() % 1e9;
console.log(`concurrent fuzz seed ${baseSeed}`);

/** Writes that need credentials: open ones (sign-up, login) touch no organization and mostly time argon2. */
const writes = specOperations
  .filter((op) => ["post", "patch", "delete"].includes(op.method) && op.security.length > 0)
  .map((op) => ({
    name: `${op.method.toUpperCase()} ${op.path}`,
    path: op.path,
    method: op.method.toUpperCase(),
    op,
    pathParams: op.parameters.filter((p) => p.in === "path"),
    byKey: op.security.some((schemes) => schemes.includes("apiKey")),
  }));

let t: TestApp;
let users: Account[];
beforeAll(async () => {
  // Generous creation limits: this file is about races, not about the limits (test/credit-policy.test.ts).
  t = await createTestApp({ rateLimitOrgsPerHour: 100_000, rateLimitKeyBurst: 100_000, rateLimitProjectBurst: 100_000 });
  users = await Promise.all(["u0", "u1", "u2"].map((name) => signUp(t, `race-${name}`)));
}, 60_000);
afterAll(() => t.close(), 30_000);

type Role = "owner" | "admin" | "member";
type Fixture = { orgId: string; projectId: string; keyIds: string[]; keySecret: string; jobId: string };

/** An organization where users[0] is an owner and the others have `roles`, with a project, two keys and a queued job. */
async function fixture(roles: [Role, Role]): Promise<Fixture> {
  const db = t.database.db;
  const now = t.clock.now();
  const orgId = newId(now);
  const projectId = newId(now);
  await db.insert(organizations).values({ id: orgId, name: "Race", createdAt: now });
  await db.transaction((tx) => grant(tx, orgId, 100, now, "Race credits"));
  const roleOf: Role[] = ["owner", ...roles];
  await db.insert(memberships).values(users.map((u, i) => ({ organizationId: orgId, userId: u.id, role: roleOf[i]!, createdAt: now })));
  await db.insert(projects).values({ id: projectId, organizationId: orgId, name: "Race project", createdAt: now });
  const secrets = [generateApiKey(), generateApiKey()];
  const keyRows = secrets.map((key) => ({
    id: newId(now),
    projectId,
    createdBy: users[0]!.id,
    name: "race",
    keyHash: hashApiKey(key),
    keyHint: keyHint(key),
    createdAt: now,
  }));
  await db.insert(apiKeys).values(keyRows);
  const jobId = newId(now);
  await db
    .insert(jobs)
    .values({ id: jobId, projectId, createdBy: users[0]!.id, url: "https://example.com/", status: "queued", createdAt: now });
  return { orgId, projectId, keyIds: keyRows.map((k) => k.id), keySecret: secrets[0]!, jobId };
}

/** The fixture's object for each path parameter: ids are real, so the writes collide. */
function pathValue(name: string, f: Fixture): fc.Arbitrary<string> {
  switch (name) {
    case "orgId":
      return fc.constant(f.orgId);
    case "projectId":
      return fc.constant(f.projectId);
    case "userId":
      return fc.constantFrom(...users.map((u) => u.id));
    case "id":
      return fc.constantFrom(...f.keyIds);
    case "jobId":
      return fc.constant(f.jobId);
    default:
      return fc.stringMatching(/^[0-9a-f]{24}$/);
  }
}

function batchArbitrary(op: (typeof writes)[number], f: Fixture) {
  const schema = op.op.requestBody?.schema;
  const actors = [...users.map((u) => u.token), ...(op.byKey ? [f.keySecret] : [])];
  const one = fc.record({
    token: fc.constantFrom(...actors),
    params: fc.tuple(...op.pathParams.map((p) => pathValue(p.name, f))),
    body: schema ? valid(schema) : fc.constant(undefined),
  });
  // Distinct requests, then copies of the first: a double submit races itself.
  return fc.tuple(fc.array(one, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 })).map(([distinct, copies]) => {
    const batch = [...distinct, ...Array.from({ length: copies }, () => distinct[0]!)];
    return batch.length >= 2 ? batch : [...batch, distinct[0]!];
  });
}

// Owners more often than not: the races between owners are the subtle ones (the last-owner rule).
const roles = fc.tuple(
  fc.constantFrom<Role>("owner", "owner", "owner", "admin", "member"),
  fc.constantFrom<Role>("owner", "owner", "admin", "member"),
);

describe("concurrent writes to one organization", () => {
  test.each(writes.map((op, i) => [op.name, op, i] as const))(
    "%s: racing requests never get a 5xx",
    async (_name, op, i) => {
      await fc.assert(
        fc.asyncProperty(roles, fc.nat(), async (memberRoles, pick) => {
          const f = await fixture(memberRoles);
          // The batch depends on the fixture's ids, so it is drawn here from the run's own seed.
          const [batch] = fc.sample(batchArbitrary(op, f), { seed: pick, numRuns: 1 });
          const responses = await Promise.all(
            batch!.map((r) => {
              let n = 0;
              const path = op.path.replace(/\{\w+\}/g, () => encodeURIComponent(r.params[n++]!));
              return t.request(op.method, path, { token: r.token, body: r.body });
            }),
          );
          for (const res of responses) expect(res.status).toBeLessThan(500);
        }),
        { numRuns: RUNS_PER_OPERATION, seed: baseSeed + i, endOnFailure: true },
      );
    },
    120_000,
  );
});
