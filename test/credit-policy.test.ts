import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { creditLedger } from "../src/db/schema";
import { type Account, signUp, uniqueEmail } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/**
 * Free credits go once per account, and the two ways to make new accounts and organizations are
 * rate-limited, so neither can be farmed. The limits are the defaults: loose enough for an office
 * behind one address.
 */
let t: TestApp;
beforeAll(async () => {
  // TRUST_PROXY lets a test choose the client address with X-Forwarded-For.
  t = await createTestApp({ freeCredits: 10, trustProxy: true });
}, 60_000);
afterAll(() => t.close());

const from = (address: string) => ({ "x-forwarded-for": address });
const register = (address: string) =>
  t.request("POST", "/auth/register", {
    body: { email: uniqueEmail("office"), password: "long-enough-pw", name: "Office" },
    headers: from(address),
  });
const createOrg = (a: Account, address?: string) =>
  t.request("POST", "/private/organizations", { token: a.token, body: { name: "Side org" }, headers: address ? from(address) : {} });
const balance = async (a: Account, orgId: string) =>
  (await t.request("GET", `/private/organizations/${orgId}/credits`, { token: a.token })).body.data.balance as number;

function expectRateLimited(res: { status: number; body: any; headers: Headers }, mentions: string) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe("rate_limited");
  expect(res.body.error.message).toContain(mentions);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
}

describe("free credits go once per account", () => {
  test("the personal organization made at sign-up gets FREE_CREDITS; every further organization starts at 0", async () => {
    const ada = await signUp(t, "ada");
    expect(await balance(ada, ada.orgId)).toBe(10);
    for (let i = 0; i < 3; i++) {
      const org = await createOrg(ada);
      expect(org.status).toBe(201);
      expect(await balance(ada, org.body.data.id)).toBe(0);
      const ledger = await t.database.db.select().from(creditLedger).where(eq(creditLedger.organizationId, org.body.data.id));
      expect(ledger).toEqual([]);
    }
  });
});

describe("sign-ups per client address", () => {
  test("an office behind one address signs up 20 people in an hour; the 21st gets 429 until a token comes back", async () => {
    const office = "203.0.113.10";
    for (let i = 0; i < 20; i++) expect((await register(office)).status).toBe(201);
    expectRateLimited(await register(office), "sign-ups from this address");
    expect((await register("198.51.100.10")).status).toBe(201);
    t.clock.advance(180_000); // 20 per hour: one sign-up comes back every 3 minutes
    expect((await register(office)).status).toBe(201);
    expect((await register(office)).status).toBe(429);
  }, 90_000); // 22 argon2 hashes: generous for a loaded 2-core machine
});

describe("organizations per account and per client address", () => {
  test("one account creates 10 organizations in an hour, then gets 429; other accounts are not affected", async () => {
    const bo = await signUp(t, "bo");
    for (let i = 0; i < 10; i++) expect((await createOrg(bo)).status).toBe(201);
    expectRateLimited(await createOrg(bo), "organizations created by this account");
    const cy = await signUp(t, "cy");
    expect((await createOrg(cy)).status).toBe(201);
  });

  test("15 parallel creations by one account: exactly 10 succeed, however they interleave", async () => {
    const di = await signUp(t, "di");
    const results = await Promise.all(Array.from({ length: 15 }, () => createOrg(di)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(5);
  });

  test("one address creates 30 organizations in an hour, whatever the accounts, then gets 429", async () => {
    const address = "203.0.113.20";
    const accounts = await Promise.all(["ed", "fay", "gus", "hal"].map((name) => signUp(t, name)));
    for (const account of accounts.slice(0, 3)) {
      for (let i = 0; i < 10; i++) expect((await createOrg(account, address)).status).toBe(201);
    }
    expectRateLimited(await createOrg(accounts[3]!, address), "organizations created from this address");
    expect((await createOrg(accounts[3]!, "198.51.100.20")).status).toBe(201);
  });
});
