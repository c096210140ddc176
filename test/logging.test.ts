import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually } from "./helpers/eventually";
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
  // The line is written after the response is sent.
  const lines = await eventually("the request's log line", () => {
    const written = t.logs.filter((l) => l.requestId === res.headers.get("x-request-id"));
    expect(written).toHaveLength(1);
    return written;
  });
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
  const forged = await t.request("GET", "/private/me", { token: "forged.token.value" });
  const wrongPassword = await t.request("POST", "/auth/login", { body: { email: ada.email, password: "wrong-password-123" } });
  const lineOf = (res: { headers: Headers }) => t.logs.find((l) => l.requestId === res.headers.get("x-request-id"));
  await eventually("both refused requests' log lines", () =>
    expect([lineOf(forged), lineOf(wrongPassword)]).toEqual([
      expect.objectContaining({ status: 401, path: "/private/me" }),
      expect.objectContaining({ status: 401, path: "/auth/login" }),
    ]),
  );
  const all = JSON.stringify(t.logs);
  for (const secret of [ada.password, ada.token, ada.refreshToken, key, "wrong-password-123", "forged.token.value"]) {
    expect(all).not.toContain(secret);
  }
});
