import { afterAll, beforeAll, expect, test } from "bun:test";
import { createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

test("one JSON line per request with method, path, status, duration, request id and principal id", async () => {
  const ada = await signUp(t, "logged");
  const { key, id } = await createKey(t, ada);
  const res = await t.request("GET", `/projects/${ada.projectId}`, { token: key });
  await Bun.sleep(10); // the line is written after the response is sent
  const lines = t.logs.filter((l) => l.requestId === res.headers.get("x-request-id"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    method: "GET",
    path: `/projects/${ada.projectId}`,
    status: 200,
    requestId: res.headers.get("x-request-id"),
    principalId: `key:${id}`,
  });
  expect(typeof lines[0]!.durationMs).toBe("number");
});

test("errors are logged with their status, and no log line holds a password, token or key", async () => {
  const ada = await signUp(t, "secretive");
  const { key } = await createKey(t, ada);
  await t.request("GET", "/private/me", { token: "forged.token.value" });
  await t.request("POST", "/auth/login", { body: { email: ada.email, password: "wrong-password-123" } });
  await Bun.sleep(10);
  expect(t.logs.some((l) => l.status === 401 && l.path === "/private/me")).toBe(true);
  const all = JSON.stringify(t.logs);
  for (const secret of [ada.password, ada.token, ada.refreshToken, key, "wrong-password-123", "forged.token.value"]) {
    expect(all).not.toContain(secret);
  }
});
