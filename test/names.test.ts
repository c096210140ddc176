import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, createKey, signUp, uniqueEmail } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/**
 * Names are shown to other people (member lists, key lists, the dashboard), so a name must look
 * like what it is: no control characters, no bidi overrides that reverse the text around them, and
 * never a name made only of invisible characters. The rule is the spec's `Name` schema.
 */
let t: TestApp;
let ada: Account;
let keyId: string;
beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "ada");
  keyId = (await createKey(t, ada)).id;
}, 60_000);
afterAll(() => t.close());

/** Every operation that takes a name, with the body that carries it. */
const namedOperations: [string, string, () => string, (name: string) => object][] = [
  ["sign-up (the member name)", "POST", () => "/auth/register", (name) => ({ email: uniqueEmail("n"), password: "long-enough-pw", name })],
  ["organization", "POST", () => "/private/organizations", (name) => ({ name })],
  ["project", "POST", () => `/private/organizations/${ada.orgId}/projects`, (name) => ({ name })],
  ["key", "POST", () => `/private/projects/${ada.projectId}/api-keys`, (name) => ({ name })],
  ["key rename", "PATCH", () => `/private/projects/${ada.projectId}/api-keys/${keyId}`, (name) => ({ name })],
];

const refused: [string, string][] = [
  ["a bell control character", "deploy\u0007bot"],
  ["a tab", "deploy\tbot"],
  ["a line break", "deploy\nbot"],
  ["a line separator", "deploy\u2028bot"],
  ["a right-to-left override", "invoice\u202Efdp.exe"],
  ["a bidi isolate", "\u2067admin\u2069"],
  ["a zero-width space", "ad\u200Bmin"],
  ["only zero-width spaces", "\u200B\u200B\u200B"],
  ["only Hangul fillers", "\u3164\u3164"],
  ["only a zero-width joiner", "\u200D"],
  ["a lone surrogate", "key\uD800"],
];

const accepted: [string, string][] = [
  ["accents", "Café Zürich"],
  ["an emoji", "🔑 deploy"],
  ["an emoji joined with ZWJ", "👩‍💻 team"],
  ["a zero-width non-joiner in Persian", "نامه‌ها"],
  ["Japanese", "価格トラッカー"],
  ["right-to-left text without overrides", "مشروع"],
];

describe("names with control or invisible characters are refused, with a message that says why", () => {
  for (const [operation, method, path, body] of namedOperations) {
    test.each(refused)(`${operation}: %s is a 400`, async (_, name) => {
      const res = await t.request(method, path(), { token: ada.token, body: body(name) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toBe(
        "Field 'name' must contain a visible character and no control characters, line breaks, bidi controls (such as U+202E) or invisible formatting characters (such as U+200B).",
      );
    });
  }
});

describe("names in any script, with emoji, are accepted", () => {
  test.each(accepted)("%s", async (_, name) => {
    for (const [, method, path, body] of namedOperations) {
      const res = await t.request(method, path(), { token: ada.token, body: body(name) });
      expect(res.status).toBeLessThan(300);
    }
  });
});
