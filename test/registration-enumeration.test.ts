import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, signUp, uniqueEmail } from "./helpers/factories";
import { createTestApp, type Received, type TestApp } from "./helpers/harness";

/**
 * Sign-up says 409 email_taken for an email that has an account (README "Account enumeration"),
 * so those answers are limited per client address: a list of emails cannot be checked in bulk.
 */
const TAKEN_ANSWERS = 10; // per address at once, then 10 an hour
let t: TestApp;
let existing: Account[];

beforeAll(async () => {
  t = await createTestApp({ trustProxy: true });
  t.clock.freeze();
  existing = [];
  for (let i = 0; i < TAKEN_ANSWERS + 2; i++) existing.push(await signUp(t, `existing-${i}`));
}, 120_000);
afterAll(() => t.close(), 30_000);

let nextAddress = 1;
const newAddress = () => `192.0.2.${nextAddress++}`;
const register = (email: string, address: string) =>
  t.request("POST", "/auth/register", {
    body: { email, password: "long-enough-password", name: "Probe" },
    headers: { "x-forwarded-for": address },
  });

/** Everything but the request id. */
const shape = (r: Received) => ({
  status: r.status,
  code: r.body.error?.code,
  message: r.body.error?.message,
  retryAfter: r.headers.get("retry-after"),
});

describe("probing which emails have an account", () => {
  test("10 email_taken answers per address, then 429 for every sign-up from there, taken email or new", async () => {
    const prober = newAddress();
    for (const account of existing.slice(0, TAKEN_ANSWERS)) expect((await register(account.email, prober)).status).toBe(409);
    const taken = await register(existing[TAKEN_ANSWERS]!.email, prober);
    const fresh = await register(uniqueEmail("fresh"), prober);
    expect(taken.status).toBe(429);
    expect(taken.body.error.code).toBe("too_many_registrations");
    expect(Number(taken.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(taken.headers.get("retry-after"))).toBeLessThanOrEqual(360);
    expect(shape(fresh)).toEqual(shape(taken));
    // Elsewhere sign-up works; here, one more probe every 6 minutes.
    expect((await register(uniqueEmail("elsewhere"), newAddress())).status).toBe(201);
    t.clock.advance(360_000);
    expect((await register(existing[TAKEN_ANSWERS]!.email, prober)).status).toBe(409);
    expect((await register(existing[TAKEN_ANSWERS + 1]!.email, prober)).status).toBe(429);
  }, 120_000);

  test("new accounts from one address do not use up its email_taken answers", async () => {
    const office = newAddress();
    for (let i = 0; i < 3; i++) expect((await register(uniqueEmail(`colleague-${i}`), office)).status).toBe(201);
    for (const account of existing.slice(0, TAKEN_ANSWERS)) expect((await register(account.email, office)).status).toBe(409);
  }, 120_000);
});
