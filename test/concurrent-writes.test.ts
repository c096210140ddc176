import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, count, eq, isNull } from "drizzle-orm";
import { generateApiKey, hashApiKey, keyHint } from "../src/auth/api-key-format";
import { apiKeys, memberships, organizations } from "../src/db/schema";
import { newId } from "../src/ids";
import { MAX_ACTIVE_KEYS_PER_PROJECT } from "../src/modules/api-keys/service";
import { type Account, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/**
 * Writes that race each other: whatever the interleaving, the rules hold and nobody gets a 500.
 * The races are real: the requests run on a pool of connections.
 */
let t: TestApp;
let ada: Account;
let bo: Account;
beforeAll(async () => {
  t = await createTestApp();
  [ada, bo] = await Promise.all([signUp(t, "ada"), signUp(t, "bo")]);
}, 60_000);
afterAll(() => t.close(), 30_000);

const activeKeys = async (projectId: string) =>
  (
    await t.database.db
      .select({ n: count() })
      .from(apiKeys)
      .where(and(eq(apiKeys.projectId, projectId), isNull(apiKeys.revokedAt)))
  )[0]!.n;

describe("the key limit under parallel creates", () => {
  test(`20 parallel creates on a project holding 95 keys: exactly 5 succeed, ${MAX_ACTIVE_KEYS_PER_PROJECT} stay active`, async () => {
    const now = t.clock.now();
    await t.database.db.insert(apiKeys).values(
      Array.from({ length: 95 }, () => {
        const key = generateApiKey();
        return {
          id: newId(now),
          projectId: ada.projectId,
          createdBy: ada.id,
          name: "seeded",
          keyHash: hashApiKey(key),
          keyHint: keyHint(key),
          createdAt: now,
        };
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.request("POST", `/private/projects/${ada.projectId}/api-keys`, { token: ada.token, body: { name: `race-${i}` } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(15);
    expect(refused[0]!.body.error.code).toBe("key_limit_reached");
    expect(await activeKeys(ada.projectId)).toBe(MAX_ACTIVE_KEYS_PER_PROJECT);
  });
});

describe("two owners removing each other at once", () => {
  /** A fresh organization owned by Ada and Bo together, made directly in the database. */
  async function sharedOrganization(): Promise<string> {
    const now = t.clock.now();
    const id = newId(now);
    await t.database.db.insert(organizations).values({ id, name: "Shared", createdAt: now });
    await t.database.db.insert(memberships).values([
      { organizationId: id, userId: ada.id, role: "owner", createdAt: now },
      { organizationId: id, userId: bo.id, role: "owner", createdAt: now },
    ]);
    return id;
  }

  test("30 trials: never a 500 (no deadlock), exactly one removal succeeds, one owner remains", async () => {
    for (let trial = 0; trial < 30; trial++) {
      const orgId = await sharedOrganization();
      const path = (userId: string) => `/private/organizations/${orgId}/members/${userId}`;
      const [adaRemovesBo, boRemovesAda] = await Promise.all([
        t.request("DELETE", path(bo.id), { token: ada.token }),
        t.request("DELETE", path(ada.id), { token: bo.token }),
      ]);
      const statuses = [adaRemovesBo.status, boRemovesAda.status].sort();
      // The loser is no longer a member by the time its turn comes (404, like any outsider).
      expect(statuses, `trial ${trial}`).toEqual([200, 404]);
      const loser = adaRemovesBo.status === 404 ? adaRemovesBo : boRemovesAda;
      expect(loser.body.error.code).toBe("not_found");
      const owners = await t.database.db.select().from(memberships).where(eq(memberships.organizationId, orgId));
      expect(owners).toHaveLength(1);
    }
  }, 60_000);
});
