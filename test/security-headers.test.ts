import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jwt } from "@elysiajs/jwt";
import { generateApiKey } from "../src/auth/api-key-format";
import { type Account, signUp } from "./helpers/factories";
import { createTestApp, type Received, TEST_JWT_SECRET, type TestApp } from "./helpers/harness";

/** The headers the README's security section promises, on every kind of response. */
let t: TestApp;
let ada: Account;
beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "headers");
}, 60_000);
afterAll(() => t.close(), 30_000);

/** Same-origin, as the dashboard's page sends them. */
const page = { "sec-fetch-site": "same-origin" };
const cookieOf = (r: Received) => r.headers.get("set-cookie")!.split(";")[0]!;

describe("responses that carry tokens are never stored by a cache", () => {
  test("POST /auth/login, /auth/refresh and the dashboard's session routes answer Cache-Control: no-store, failures included", async () => {
    const login = await t.request("POST", "/auth/login", { body: { email: ada.email, password: ada.password } });
    const refreshed = await t.request("POST", "/auth/refresh", { body: { refreshToken: login.body.data.refreshToken } });
    const wrong = await t.request("POST", "/auth/login", { body: { email: ada.email, password: "not-it" } });
    const session = await t.request("POST", "/dashboard/session", { body: { email: ada.email, password: ada.password }, headers: page });
    const renewed = await t.request("POST", "/dashboard/session/refresh", { headers: { ...page, cookie: cookieOf(session) } });
    const ended = await t.request("POST", "/dashboard/session/logout", { headers: { ...page, cookie: cookieOf(renewed) } });
    const answers = { login, refreshed, wrong, session, renewed, ended };
    expect(Object.values(answers).map((r) => r.status)).toEqual([200, 200, 401, 200, 200, 200]);
    for (const [name, r] of Object.entries(answers)) expect(r.headers.get("cache-control"), name).toBe("no-store");
  });
});

describe("X-Content-Type-Options: nosniff on every response", () => {
  test.each([
    ["a JSON answer", "GET", "/health", {}],
    ["an authenticated answer", "GET", "/private/me", { token: "session" }],
    ["a 401", "GET", "/private/me", {}],
    ["a 400", "POST", "/auth/login", { raw: "{", headers: { "content-type": "application/json" } }],
    ["a 404 for an unknown route", "GET", "/no/such/route", {}],
    ["a 404 for an unknown object", "GET", "/projects/67e0a1b2c3d4e5f6a7b8c9d0", { token: "session" }],
    ["the spec as YAML", "GET", "/openapi.yaml", {}],
    ["the spec as JSON", "GET", "/openapi.json", {}],
    ["Swagger UI", "GET", "/swagger", {}],
    ["a Swagger UI asset", "GET", "/swagger/assets/swagger-ui.css", {}],
  ] as const)("%s", async (_, method, path, sent) => {
    const options = { ...sent, token: "token" in sent ? ada.token : undefined };
    const res = await t.request(method, path, options);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("a key's 401 and a 429 too", async () => {
    const strict = await createTestApp({ keyFailureBurst: 1 });
    try {
      const project = () => strict.request("GET", "/projects/67e0a1b2c3d4e5f6a7b8c9d0", { token: generateApiKey() });
      const [refused, throttled] = [await project(), await project()];
      expect([refused.status, throttled.status]).toEqual([401, 429]);
      for (const r of [refused, throttled]) expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    } finally {
      await strict.close();
    }
  });
});

describe("Swagger UI", () => {
  test("has a Content-Security-Policy without inline scripts, and may not be framed", async () => {
    const res = await t.request("GET", "/swagger");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).toContain("default-src 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });
});

describe("access tokens", () => {
  test("a correctly signed access token without `exp` gets 401", async () => {
    const signer = jwt({ name: "jwt", secret: TEST_JWT_SECRET }).decorator.jwt;
    const forever = await signer.sign({ sub: ada.id, typ: "access" });
    const res = await t.request("GET", "/private/me", { token: forever });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("invalid_token");
  });
});
