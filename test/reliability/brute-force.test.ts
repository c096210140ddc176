import { afterAll, beforeAll, expect, test } from "bun:test";
import { LOGIN_POLICY } from "../../src/auth/login-throttle";
import { signUp, uniqueEmail } from "../helpers/factories";
import { createTestApp, type Received, type TestApp } from "../helpers/harness";

/** Password guessing: the limit holds, and it tells nobody whether the account exists. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  t.clock.freeze(); // no refill while a slow machine runs the test
}, 60_000);
afterAll(() => t.close(), 30_000);

const MAX_FAILURES = LOGIN_POLICY.accountAtAddress.attempts;
const WINDOW_MS = LOGIN_POLICY.accountAtAddress.windowSeconds * 1000;

const login = (email: string, password: string) => t.request("POST", "/auth/login", { body: { email, password } });

/** Status, code, message and headers: everything but the request id. */
const shape = (r: Received) => ({
  status: r.status,
  code: r.body.error?.code,
  message: r.body.error?.message,
  wwwAuthenticate: r.headers.get("www-authenticate"),
  retryAfter: r.headers.get("retry-after") !== null,
  contentType: r.headers.get("content-type"),
});

test("150 wrong passwords from one address: 10 are evaluated, the rest get 429 with Retry-After", async () => {
  const victim = await signUp(t, "victim");
  const answers: Received[] = [];
  for (let i = 0; i < 150; i++) answers.push(await login(victim.email, `guess-${i}`));

  const evaluated = answers.filter((r) => r.status === 401);
  const refused = answers.filter((r) => r.status === 429);
  expect(evaluated.length).toBe(MAX_FAILURES);
  expect(refused.length).toBe(150 - MAX_FAILURES);
  for (const r of refused) {
    expect(r.body.error.code).toBe("too_many_login_attempts");
    const seconds = Number(r.headers.get("retry-after"));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(WINDOW_MS / 1000 / MAX_FAILURES);
  }
  // The right password is not evaluated during the lockout either; once the window has passed it is.
  expect((await login(victim.email, victim.password)).status).toBe(429);
  t.clock.advance(WINDOW_MS + 1000);
  expect((await login(victim.email, victim.password)).status).toBe(200);
}, 60_000);

test("unknown-user and wrong-password answers are identical, before and during the lockout", async () => {
  const user = await signUp(t, "known");
  const unknown = uniqueEmail("nobody");
  const known: Received[] = [];
  const nobody: Received[] = [];
  for (let i = 0; i < MAX_FAILURES + 3; i++) {
    known.push(await login(user.email, `wrong-${i}`));
    nobody.push(await login(unknown, `wrong-${i}`));
  }
  expect(known.map(shape)).toEqual(nobody.map(shape));
  expect(known[0]!.status).toBe(401);
  expect(known.at(-1)!.status).toBe(429);
}, 60_000);
