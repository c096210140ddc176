import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/** HTTP's method rules (RFC 9110): HEAD is GET without the body; a method a path lacks is 405 with Allow. */
let t: TestApp;
let ada: Account;
let key: string;
beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "methods");
  key = (await createKey(t, ada)).key;
}, 60_000);
afterAll(() => t.close());

const send = async (method: string, path: string, token?: string) => {
  const response = await t.app.handle(
    new Request(`http://localhost${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} }),
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe("HEAD", () => {
  test.each([
    ["a session route", () => `/private/me`, () => ada.token],
    ["a key route", () => `/projects/${ada.projectId}/jobs`, () => key],
    ["an open route", () => "/health", () => undefined],
  ])("on %s answers exactly as GET, without a body", async (_, path, token) => {
    const get = await send("GET", path(), token());
    const head = await send("HEAD", path(), token());
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
  });

  test("without credentials it is the same 401 as GET, without a body", async () => {
    const head = await send("HEAD", "/private/me");
    expect(head.status).toBe(401);
    expect(head.headers.get("www-authenticate")).toStartWith("Bearer");
    expect(head.text).toBe("");
  });
});

describe("a method the path does not answer", () => {
  test.each([
    ["PUT", "/private/me", "GET, HEAD"],
    ["DELETE", "/health", "GET, HEAD"],
    ["GET", "/auth/login", "POST"],
    ["OPTIONS", "/private/organizations", "GET, HEAD, POST"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const res = await t.request(method, path, { token: ada.token });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(res.body.error.code).toBe("method_not_allowed");
    expect(res.body.error.message).toContain(allow);
  });

  test("a path with parameters lists the methods of that path", async () => {
    const res = await t.request("POST", `/private/projects/${ada.projectId}/api-keys/67e0a1b2c3d4e5f6a7b8c9d0`, { token: ada.token });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("PATCH, DELETE");
  });

  test("an unknown path is still 404 route_not_found", async () => {
    const res = await t.request("PUT", "/no/such/path");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("route_not_found");
  });
});
