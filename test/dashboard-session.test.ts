import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { assertMatchesSpec } from "./helpers/contract";
import { type Account, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
let ada: Account;

beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(() => t.close());

const cookieOf = (headers: Headers) => headers.get("set-cookie") ?? "";
/** A Set-Cookie's `name=value` and its attributes, in a fixed order (their order means nothing). */
const parts = (setCookie: string) => {
  const [pair, ...attributes] = setCookie.split("; ");
  return { pair: pair!, attributes: attributes.sort() };
};
/** The `name=value` pair to send back, as a browser would. */
const sendBack = (setCookie: string) => setCookie.split(";")[0]!;

async function signIn(account: Account) {
  return t.request("POST", "/dashboard/session", { body: { email: account.email, password: account.password } });
}

/** A request to the app at any origin (the harness always uses http://localhost), checked against the spec. */
async function at(origin: string, method: string, path: string, init: RequestInit = {}) {
  const response = await t.app.handle(new Request(`${origin}${path}`, { method, ...init }));
  const text = await response.text();
  const body = response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text;
  assertMatchesSpec(method, path, response.status, response.headers, body);
  return { status: response.status, headers: response.headers, body };
}

describe("the dashboard page", () => {
  test("GET / is the page, with a CSP that allows no inline script and forbids framing", async () => {
    const page = await t.request("GET", "/");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/); // every script is a file, none inline
    expect(page.body).not.toMatch(/https?:\/\//); // nothing from a CDN or font host
  });

  test("the page's script, stylesheet and icon are served by this server, cacheable under their content hash", async () => {
    const page = await t.request("GET", "/");
    expect(page.headers.get("content-security-policy")).toContain("img-src 'self';"); // the icon is ours, not a data: URL
    for (const [file, type] of [
      ["app.js", "text/javascript"],
      ["app.css", "text/css"],
      ["favicon.svg", "image/svg+xml"],
    ] as const) {
      const href = new RegExp(`/dashboard/assets/${file.replace(".", "\\.")}\\?v=[0-9a-f]+`).exec(page.body)![0];
      const asset = await t.request("GET", href);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toStartWith(type);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      expect(String(asset.body).length).toBeGreaterThan(100);
    }
  });

  test("an unknown asset is a 404 in the error envelope", async () => {
    const res = await t.request("GET", "/dashboard/assets/secrets.txt");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("the dashboard's cookie session", () => {
  test("signing in returns an access token and puts the refresh token only in an HttpOnly, SameSite=Strict cookie", async () => {
    const res = await signIn(ada);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(["accessToken", "expiresIn", "tokenType"]);
    const cookie = cookieOf(res.headers);
    expect(parts(cookie).pair).toMatch(/^azs_dashboard_session=azr_[\w-]+$/);
    expect(parts(cookie).attributes).toEqual([
      "HttpOnly",
      expect.stringMatching(/^Max-Age=\d+$/),
      "Path=/dashboard/session",
      "SameSite=Strict",
    ]);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const me = await t.request("GET", "/private/me", { token: res.body.data.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.data.id).toBe(ada.id);
  });

  test("the cookie is Secure everywhere except plain http on localhost", async () => {
    const body = JSON.stringify({ email: ada.email, password: ada.password });
    const init = { body, headers: { "content-type": "application/json" } };
    for (const origin of ["http://dash.example.com", "https://localhost", "https://dash.example.com"]) {
      const res = await at(origin, "POST", "/dashboard/session", init);
      expect(res.status, origin).toBe(200);
      expect(parts(cookieOf(res.headers)).attributes, origin).toContain("Secure");
    }
  });

  test("refreshing rotates the cookie; the spent cookie is refused and ends the whole session", async () => {
    const first = sendBack(cookieOf((await signIn(ada)).headers));
    const refreshed = await t.request("POST", "/dashboard/session/refresh", { headers: { cookie: first } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data.accessToken).toBeString();
    const second = sendBack(cookieOf(refreshed.headers));
    expect(second).not.toBe(first);

    const replayed = await t.request("POST", "/dashboard/session/refresh", { headers: { cookie: first } });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error.code).toBe("invalid_refresh_token");
    expect(cookieOf(replayed.headers)).toContain("Max-Age=0");
    const afterTheft = await t.request("POST", "/dashboard/session/refresh", { headers: { cookie: second } });
    expect(afterTheft.status).toBe(401);
  });

  test("refreshing without a session cookie is a 401 that says to sign in", async () => {
    const res = await t.request("POST", "/dashboard/session/refresh", { headers: { cookie: "other=1" } });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain("Sign in again");
  });

  test("signing out revokes the refresh token and clears the cookie", async () => {
    const cookie = sendBack(cookieOf((await signIn(ada)).headers));
    const out = await t.request("POST", "/dashboard/session/logout", { headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ success: true });
    expect(parts(cookieOf(out.headers))).toEqual({
      pair: "azs_dashboard_session=",
      attributes: ["HttpOnly", "Max-Age=0", "Path=/dashboard/session", "SameSite=Strict"],
    });
    const refresh = await t.request("POST", "/dashboard/session/refresh", { headers: { cookie } });
    expect(refresh.status).toBe(401);
  });

  test.each([
    ["Sec-Fetch-Site says cross-site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
    ["Sec-Fetch-Site says same-site", { "sec-fetch-site": "same-site", origin: "https://evil.localhost" }],
    ["only Origin is sent, from another host", { origin: "https://evil.example" }],
  ])("requests from another site are refused with 403 on every session route (%s)", async (_, from) => {
    const cookie = sendBack(cookieOf((await signIn(ada)).headers));
    const headers = { ...from, cookie };
    const login = await t.request("POST", "/dashboard/session", { headers, body: { email: ada.email, password: ada.password } });
    const refresh = await t.request("POST", "/dashboard/session/refresh", { headers });
    const logout = await t.request("POST", "/dashboard/session/logout", { headers });
    for (const res of [login, refresh, logout]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    expect((await t.request("POST", "/dashboard/session/refresh", { headers: { cookie } })).status).toBe(200);
  });

  test("the page's own requests pass, also behind a TLS proxy that forwards https as http", async () => {
    const fromPage: Record<string, string>[] = [
      { "sec-fetch-site": "same-origin", origin: "http://localhost" },
      { origin: "https://localhost" },
    ];
    for (const headers of fromPage) {
      const res = await t.request("POST", "/dashboard/session", { headers, body: { email: ada.email, password: ada.password } });
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
  });

  test("a wrong password is 401, and repeated failures get 429 with Retry-After, as on /auth/login", async () => {
    const grace = await signUp(t, "grace");
    const wrong = { email: grace.email, password: "not-the-password" };
    const first = await t.request("POST", "/dashboard/session", { body: wrong });
    expect(first.status).toBe(401);
    expect(first.body.error.message).toBe("The email or password is wrong.");
    let last = first;
    for (let i = 0; i < 10 && last.status !== 429; i++) last = await t.request("POST", "/dashboard/session", { body: wrong });
    expect(last.status).toBe(429);
    expect(last.headers.get("retry-after")).toMatch(/^\d+$/);
  }, 30_000);
});
