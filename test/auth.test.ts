import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jwt } from "@elysiajs/jwt";
import { organizations, projects, refreshTokens, users } from "../src/db/schema";
import { signUp, uniqueEmail } from "./helpers/factories";
import { createTestApp, TEST_JWT_SECRET, type TestApp } from "./helpers/harness";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

const login = (email: string, password: string, headers?: Record<string, string>) =>
  t.request("POST", "/auth/login", { body: { email, password }, headers });

describe("sign-up", () => {
  test("creates the user, a personal organization they own and a Default project", async () => {
    const email = uniqueEmail("new");
    const res = await t.request("POST", "/auth/register", { body: { email, password: "long-enough", name: "  Nia  " } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ email, name: "Nia" });
    expect(JSON.stringify(res.body)).not.toContain("long-enough");
    const { accessToken } = (await login(email, "long-enough")).body.data;
    const me = await t.request("GET", "/private/me", { token: accessToken });
    expect(me.body.data.organizations).toHaveLength(1);
    expect(me.body.data.organizations[0]).toMatchObject({ role: "owner", personal: true });
    const list = await t.request("GET", "/private/projects", { token: accessToken });
    expect(list.body.data.map((p: { name: string }) => p.name)).toEqual(["Default project"]);
  });

  test("a second sign-up with the same email, in any case, is 409 and creates nothing", async () => {
    const email = uniqueEmail("dup");
    await t.request("POST", "/auth/register", { body: { email, password: "long-enough", name: "A" } });
    const counts = async () => [
      (await t.database.db.select().from(users)).length,
      (await t.database.db.select().from(organizations)).length,
      (await t.database.db.select().from(projects)).length,
    ];
    const before = await counts();
    const again = await t.request("POST", "/auth/register", { body: { email: email.toUpperCase(), password: "long-enough", name: "B" } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("email_taken");
    expect(await counts()).toEqual(before);
  });

  test("passwords are stored hashed with argon2id", async () => {
    const account = await signUp(t, "hashed");
    const rows = await t.database.db.select().from(users);
    const row = rows.find((u) => u.id === account.id)!;
    expect(row.passwordHash).toStartWith("$argon2id$");
    expect(JSON.stringify(rows)).not.toContain(account.password);
  });
});

describe("login", () => {
  test("returns a Bearer access token valid for 15 minutes and an opaque refresh token", async () => {
    const account = await signUp(t, "login");
    const res = await login(account.email.toUpperCase(), account.password);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    expect(res.body.data.refreshToken).toStartWith("azr_");
    const stored = await t.database.db.select().from(refreshTokens);
    expect(JSON.stringify(stored)).not.toContain(res.body.data.refreshToken);
  });

  test("unknown email and wrong password get the same 401", async () => {
    const account = await signUp(t, "same");
    const wrong = await login(account.email, "not-the-password");
    const unknown = await login(uniqueEmail("ghost"), "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe(unknown.body.error.code);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  test("after 10 failed logins for one account, the 11th gets 429 with Retry-After, even with the right password", async () => {
    const account = await signUp(t, "brute");
    for (let i = 0; i < 10; i++) expect((await login(account.email, `wrong-${i}`)).status).toBe(401);
    const blocked = await login(account.email, account.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("too_many_login_attempts");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
    t.clock.advance(15 * 60 * 1000 + 1000);
    expect((await login(account.email, account.password)).status).toBe(200);
  });
});

describe("refresh and logout", () => {
  test("a refresh token is single use and rotates into a working pair", async () => {
    const account = await signUp(t, "rotate");
    const next = await t.request("POST", "/auth/refresh", { body: { refreshToken: account.refreshToken } });
    expect(next.status).toBe(200);
    expect(next.body.data.refreshToken).not.toBe(account.refreshToken);
    expect((await t.request("GET", "/private/me", { token: next.body.data.accessToken })).status).toBe(200);
  });

  test("reusing a spent refresh token revokes its whole family", async () => {
    const account = await signUp(t, "reuse");
    const next = await t.request("POST", "/auth/refresh", { body: { refreshToken: account.refreshToken } });
    const replay = await t.request("POST", "/auth/refresh", { body: { refreshToken: account.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("invalid_refresh_token");
    const descendant = await t.request("POST", "/auth/refresh", { body: { refreshToken: next.body.data.refreshToken } });
    expect(descendant.status).toBe(401);
  });

  test("an expired refresh token is refused", async () => {
    const account = await signUp(t, "expired");
    t.clock.advance(t.deps.config.refreshTokenTtlSeconds * 1000 + 1000);
    expect((await t.request("POST", "/auth/refresh", { body: { refreshToken: account.refreshToken } })).status).toBe(401);
  });

  test("logout revokes the refresh token's family, and succeeds for an unknown token", async () => {
    const account = await signUp(t, "logout");
    expect(await t.request("POST", "/auth/logout", { body: { refreshToken: account.refreshToken } })).toMatchObject({
      status: 200,
      body: { success: true },
    });
    expect((await t.request("POST", "/auth/refresh", { body: { refreshToken: account.refreshToken } })).status).toBe(401);
    expect((await t.request("POST", "/auth/logout", { body: { refreshToken: "azr_unknown" } })).status).toBe(200);
  });
});

describe("access tokens", () => {
  const signer = (secret: string) => jwt({ name: "jwt", secret }).decorator.jwt;

  test.each([
    ["expired", () => signer(TEST_JWT_SECRET).sign({ sub: "u", typ: "access", exp: Math.floor(Date.now() / 1000) - 10 })],
    ["forged with another secret", () => signer("another-secret-another-secret-0000").sign({ sub: "u", typ: "access" })],
    ["not an access token", () => signer(TEST_JWT_SECRET).sign({ sub: "u", typ: "refresh" })],
    ["unsigned (alg none)", async () => `${btoa('{"alg":"none","typ":"JWT"}')}.${btoa('{"sub":"u","typ":"access"}')}.`],
    ["garbage", async () => "not-a-jwt"],
  ])("a token that is %s gets 401 with WWW-Authenticate: Bearer", async (_, make) => {
    const res = await t.request("GET", "/private/me", { token: await make() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("invalid_token");
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  test("no credentials, or a non-Bearer scheme, gets 401 missing_credentials", async () => {
    for (const headers of [{}, { authorization: "Basic dXNlcjpwYXNz" }, { authorization: "Bearer" }] as Record<string, string>[]) {
      const res = await t.request("GET", "/private/me", { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("missing_credentials");
      expect(res.headers.get("www-authenticate")).toStartWith("Bearer");
    }
  });
});
