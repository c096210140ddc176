import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import type { Sql } from "postgres";
import { admitLoginAttempt, type LoginAttempt } from "../src/auth/login-throttle";
import type { Db } from "../src/db/client";
import * as schema from "../src/db/schema";
import { type Account, signUp, uniqueEmail } from "./helpers/factories";
import { createTestApp, type Received, type TestApp } from "./helpers/harness";

/**
 * The login policy of the README ("Login attempts", OWASP ASVS 2.2.1), number by number. The
 * server sits behind a trusted proxy here, so each test can speak from the addresses it needs.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ trustProxy: true });
  t.clock.freeze();
}, 60_000);
afterAll(() => t.close(), 30_000);

let nextAddress = 1;
/** A client address no other test uses. */
const newAddress = () => `203.0.113.${nextAddress++}`;

const login = (email: string, password: string, address: string) =>
  t.request("POST", "/auth/login", { body: { email, password }, headers: { "x-forwarded-for": address } });

async function failures(account: Pick<Account, "email">, address: string, n: number): Promise<Received[]> {
  const answers = [];
  for (let i = 0; i < n; i++) answers.push(await login(account.email, `wrong-${i}`, address));
  return answers;
}

const retryAfter = (r: Received) => Number(r.headers.get("retry-after"));

function expectLocked(r: Received, maxRetryAfterSeconds: number) {
  expect(r.status).toBe(429);
  expect(r.body.error.code).toBe("too_many_login_attempts");
  expect(retryAfter(r)).toBeGreaterThan(0);
  expect(retryAfter(r)).toBeLessThanOrEqual(maxRetryAfterSeconds);
}

describe("one account from one address: 10 attempts, then one more every 90 s", () => {
  test("the 11th attempt gets 429 even with the right password, and 90 s later one attempt is let through", async () => {
    const owner = await signUp(t, "pair");
    const here = newAddress();
    expect((await failures(owner, here, 10)).map((r) => r.status)).toEqual(Array(10).fill(401));
    expectLocked(await login(owner.email, owner.password, here), 90);
    t.clock.advance(90_000);
    expect((await login(owner.email, owner.password, here)).status).toBe(200);
  }, 120_000);

  test("a successful login does not wipe the count: 9 wrong, the right one, 1 wrong, then 429", async () => {
    const owner = await signUp(t, "no-reset");
    const here = newAddress();
    await failures(owner, here, 9);
    expect((await login(owner.email, owner.password, here)).status).toBe(200);
    expect((await login(owner.email, "wrong-again", here)).status).toBe(401);
    expectLocked(await login(owner.email, owner.password, here), 90);
  }, 120_000);
});

describe("a stranger cannot lock the owner out", () => {
  test("after a stranger's 10 wrong passwords from elsewhere, the stranger gets 429 and the owner still logs in", async () => {
    const owner = await signUp(t, "owner");
    const stranger = newAddress();
    await failures(owner, stranger, 10);
    expectLocked(await login(owner.email, "one-more-guess", stranger), 90);
    expect((await login(owner.email, owner.password, newAddress())).status).toBe(200);
  }, 120_000);
});

/**
 * The ceilings need 50 and 100 failed attempts; each would cost a full argon2 hash over HTTP, so
 * they are spent where a failed login spends them, then the login route is asked.
 */
async function spendAttempts(email: string, address: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await admitLoginAttempt(t.deps.db, { email, address }, t.clock.now());
}

describe("one account from all addresses: 50 failures at once, then one more every 72 s (at most 100 an hour)", () => {
  test("50 failures spread over 5 addresses lock the account everywhere, for the right password too", async () => {
    const owner = await signUp(t, "ceiling");
    for (let i = 0; i < 4; i++) await spendAttempts(owner.email, newAddress(), 10);
    await failures(owner, newAddress(), 10);
    expectLocked(await login(owner.email, owner.password, newAddress()), 72);
    t.clock.advance(72_000);
    expect((await login(owner.email, owner.password, newAddress())).status).toBe(200);
  }, 120_000);
});

describe("one address for all accounts: 100 failures at once, then one more every 36 s", () => {
  test("100 failures over 100 emails from one address lock that address for every account; other addresses are unaffected", async () => {
    const owner = await signUp(t, "stuffed");
    const stuffer = newAddress();
    for (let i = 0; i < 99; i++) await spendAttempts(uniqueEmail("stuffing"), stuffer, 1);
    expect((await login(uniqueEmail("stuffing"), "password123", stuffer)).status).toBe(401);
    expectLocked(await login(owner.email, owner.password, stuffer), 36);
    expect((await login(owner.email, owner.password, newAddress())).status).toBe(200);
    t.clock.advance(36_000);
    expect((await login(owner.email, owner.password, stuffer)).status).toBe(200);
  }, 120_000);
});

describe("a lock is recorded once, and knocking on it costs no write", () => {
  /** "admitted", or the code of the refusal. */
  const tryLogin = (db: Db, attempt: LoginAttempt) =>
    admitLoginAttempt(db, attempt, t.clock.now()).then(
      () => "admitted",
      (error) => error.code as string,
    );

  const lockEvents = (userId: string) =>
    t.deps.db
      .select()
      .from(schema.auditEvents)
      .where(and(eq(schema.auditEvents.action, "session.login_failed_locked"), eq(schema.auditEvents.targetId, userId)));

  /** The statements `run` sends, through a Db that logs them on the test app's own connections. */
  async function statementsOf(run: (db: Db) => Promise<unknown>): Promise<string[]> {
    const statements: string[] = [];
    const client = (t.deps.db as unknown as { $client: Sql }).$client;
    await run(drizzle(client, { schema, logger: { logQuery: (query) => void statements.push(query) } }) as unknown as Db);
    return statements;
  }

  test("30 refusals during one lock, the first 10 at once, write one session.login_failed_locked event", async () => {
    const owner = await signUp(t, "knocked");
    const attempt = { email: owner.email, address: newAddress() };
    await spendAttempts(owner.email, attempt.address, 10);
    const together = await Promise.all(Array.from({ length: 10 }, () => tryLogin(t.deps.db, attempt)));
    expect(together).toEqual(Array(10).fill("too_many_login_attempts"));
    for (let i = 0; i < 20; i++) expect(await tryLogin(t.deps.db, attempt)).toBe("too_many_login_attempts");
    expect(await lockEvents(owner.id)).toHaveLength(1);
  }, 120_000);

  test("a refusal during a lock already recorded writes nothing but its own take", async () => {
    const attempt = { email: uniqueEmail("knocking"), address: newAddress() };
    await spendAttempts(attempt.email, attempt.address, 10);
    expect(await tryLogin(t.deps.db, attempt)).toBe("too_many_login_attempts"); // the lock starts, and is recorded
    let outcome = "";
    const statements = await statementsOf(async (db) => {
      outcome = await tryLogin(db, attempt);
    });
    expect(outcome).toBe("too_many_login_attempts");
    const writes = statements.filter((s) => /^(insert|update|delete)\b/i.test(s));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toStartWith('insert into "rate_limit_buckets"');
  });
});
