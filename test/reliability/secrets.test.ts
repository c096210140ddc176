import { afterAll, beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { hashApiKey } from "../../src/auth/api-key-format";
import { type Account, addMember, createKey, signUp } from "../helpers/factories";
import { createTestApp, type TestApp } from "../helpers/harness";

/** Secrets created during a run must not end up in the logs or in the database. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ logRequests: true });
}, 60_000);
afterAll(() => t.close(), 30_000);

const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];

async function dumpDatabase(): Promise<string> {
  const tables = rowsOf(await t.database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public'`));
  const dump: Record<string, unknown[]> = {};
  for (const { table_name } of tables) {
    dump[String(table_name)] = rowsOf(await t.database.db.execute(sql.raw(`select * from "${String(table_name)}"`)));
  }
  return JSON.stringify(dump);
}

test("logs and a database dump hold no full key, refresh token, access token or password from the run", async () => {
  const secrets: string[] = [];
  const ada: Account = await signUp(t, "secret-ada");
  const bob: Account = await signUp(t, "secret-bob");
  secrets.push(ada.password, bob.password, ada.refreshToken, bob.refreshToken, ada.token, bob.token);
  await addMember(t, ada, bob, "member");

  const kept = await createKey(t, ada);
  const revoked = await createKey(t, bob, ada.projectId, "to-revoke");
  secrets.push(kept.key, revoked.key);
  for (const key of [kept.key, revoked.key])
    expect((await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status).toBe(200);
  await t.request("DELETE", `/private/projects/${ada.projectId}/api-keys/${revoked.id}`, { token: bob.token });
  expect((await t.request("GET", `/projects/${ada.projectId}`, { token: revoked.key })).status).toBe(401);
  await t.deps.keyUsage.flush();

  const refreshed = await t.request("POST", "/auth/refresh", { body: { refreshToken: ada.refreshToken } });
  secrets.push(refreshed.body.data.refreshToken, refreshed.body.data.accessToken);
  expect((await t.request("POST", "/auth/refresh", { body: { refreshToken: ada.refreshToken } })).status).toBe(401);
  await t.request("POST", "/auth/login", { body: { email: ada.email, password: `${ada.password}-wrong` } });
  await t.request("POST", "/auth/register", { body: { email: ada.email, password: ada.password, name: "again" } });
  await t.request("POST", "/auth/logout", { body: { refreshToken: refreshed.body.data.refreshToken } });

  const logs = JSON.stringify(t.logs);
  const dump = await dumpDatabase();
  expect(t.logs.length).toBeGreaterThan(10);
  expect(dump).toContain(hashApiKey(kept.key)); // the dump is real: it holds the key's hash
  for (const secret of secrets) {
    expect(logs.includes(secret), "a secret is in the logs").toBe(false);
    expect(dump.includes(secret), "a secret is in the database").toBe(false);
  }
  expect(`${logs}${dump}`).not.toMatch(/azs_[0-9A-Za-z]{42}/);
  expect(`${logs}${dump}`).not.toMatch(/azr_[\w-]{43}/);
}, 60_000);
