import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { users } from "../src/db/schema";
import { type Account, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/** Inputs that reach the router or the database in unusual shapes get a 4xx, never a 500. */
let t: TestApp;
let ada: Account;
beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "odd");
}, 60_000);
afterAll(() => t.close());

const nulCursor = Buffer.from('["2026-01-01T00:00:00.000Z","\\u0000"]').toString("base64url");

describe("odd input never causes a 5xx", () => {
  const cases: [string, string, () => string, unknown, number][] = [
    ["NUL in a name", "POST", () => `/private/projects/${ada.projectId}/api-keys`, { name: "a\u0000b" }, 400],
    ["NUL in a login email", "POST", () => "/auth/login", { email: "a\u0000@x.io", password: "whatever-pass" }, 400],
    ["NUL in a path id", "GET", () => "/projects/%00", undefined, 400],
    ["bad percent-encoding in a path id", "GET", () => "/projects/%E0%A4%A", undefined, 400],
    ["a very long path id", "GET", () => `/projects/${"a".repeat(5000)}`, undefined, 400],
    ["unicode in a path id", "GET", () => "/projects/%F0%9F%92%A5", undefined, 400],
    ["a cursor holding NUL", "GET", () => `/projects/${ada.projectId}/jobs?cursor=${nulCursor}`, undefined, 400],
    ["emoji in a name", "POST", () => `/private/projects/${ada.projectId}/api-keys`, { name: "🔑 deploy" }, 201],
  ];
  test.each(cases)("%s", async (_, method, path, body, status) => {
    const res = await t.request(method, path(), { token: ada.token, body });
    expect(res.status).toBe(status);
  });

  test("invalid UTF-8 in a body is a 400", async () => {
    const res = await t.app.handle(
      new Request(`http://localhost/private/projects/${ada.projectId}/api-keys`, {
        method: "POST",
        body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        headers: { authorization: `Bearer ${ada.token}`, "content-type": "application/json" },
      }),
    );
    expect(res.status).toBe(400);
  });

  test("a valid session token of an account whose row is gone gets 401, on /private/me and when creating an organization", async () => {
    const gone = await signUp(t, "gone");
    await t.database.db.delete(users).where(eq(users.id, gone.id));
    const me = await t.request("GET", "/private/me", { token: gone.token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("invalid_token");
    expect(me.body.error.message).toContain("no longer exists");
    const org = await t.request("POST", "/private/organizations", { token: gone.token, body: { name: "Orphan" } });
    expect(org.status).toBe(401);
    expect(org.body.error.code).toBe("invalid_token");
  });
});
