import { afterAll, beforeAll, expect, test } from "bun:test";
import { signUp } from "../helpers/factories";
import { createTestApp, type TestApp } from "../helpers/harness";

/**
 * Password guesses sent all at once: each attempt is counted in the database before its password
 * is hashed, so concurrency cannot squeeze more guesses past the limit (the requests run on
 * separate connections, as several server processes would).
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ trustProxy: true });
  t.clock.freeze();
}, 60_000);
afterAll(() => t.close(), 30_000);

const ALLOWED = 10; // per account and address, README "Login attempts"

test("60 wrong passwords at once, the right one among them: only 10 wrong ones are evaluated, and the right one after them gets 429", async () => {
  const victim = await signUp(t, "raced");
  const from = { "x-forwarded-for": "198.51.100.60" };
  const attempt = (password: string) => t.request("POST", "/auth/login", { body: { email: victim.email, password }, headers: from });
  const passwords = Array.from({ length: 60 }, (_, i) => `guess-${i}`);
  passwords.splice(30, 0, victim.password);

  const answers = await Promise.all(passwords.map(attempt));
  const statuses = answers.map((r) => r.status);
  expect(statuses.filter((s) => s === 401).length).toBe(ALLOWED);
  expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
  expect(statuses.filter((s) => s === 429).length).toBe(passwords.length - ALLOWED - statuses.filter((s) => s === 200).length);
  for (const refused of answers.filter((r) => r.status === 429)) {
    expect(refused.body.error.code).toBe("too_many_login_attempts");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  }
  const after = await attempt(victim.password);
  expect(after.status).toBe(429);
}, 120_000);
