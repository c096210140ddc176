import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { eq } from "drizzle-orm";
import { generateApiKey, hashApiKey } from "../src/auth/api-key-format";
import { apiKeys } from "../src/db/schema";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

/** Issue 11, leaked-key reports in GitHub's secret-scanning partner format. */
let t: TestApp;
let ada: Account;
beforeAll(async () => {
  t = await createTestApp({ rateLimitLeakReportsPerMinute: 1000 });
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(() => t.close());

const finding = (token: string) => ({
  token,
  type: "azscraper_api_key",
  url: "https://github.com/octo/repo/blob/main/.env",
  source: "content",
});
const report = (tokens: string[], app = t) => app.request("POST", "/leaked-keys", { body: tokens.map(finding) });
const useKey = async (key: string) => (await t.request("GET", `/projects/${ada.projectId}`, { token: key })).status;

describe("POST /leaked-keys", () => {
  test("an active key is revoked at once with reason leaked, and both events name the url and source", async () => {
    const { id, key } = await createKey(t, ada, ada.projectId, "leaky");
    expect(await useKey(key)).toBe(200);
    const res = await report([key]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([{ token_hash: hashApiKey(key), token_type: "azscraper_api_key", label: "true_positive" }]);
    expect(await useKey(key)).toBe(401);
    const [row] = await t.deps.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row!.revokedReason).toBe("leaked");
    const log = await t.request("GET", `/private/organizations/${ada.orgId}/audit-log?targetId=${id}`, { token: ada.token });
    const leak = log.body.data.find((e: { action: string }) => e.action === "api_key.leak_reported");
    expect(leak.details).toMatchObject({ url: "https://github.com/octo/repo/blob/main/.env", source: "content" });
    expect(leak.actor).toEqual({ type: "system", id: null });
    expect(log.body.data.map((e: { action: string }) => e.action)).toContain("api_key.revoked");
    expect(JSON.stringify(log.body)).not.toContain(key);
  });

  test("unknown, already revoked and malformed keys get the same answer apart from the label, which is false_positive", async () => {
    const revoked = await createKey(t, ada, ada.projectId, "gone");
    await t.request("DELETE", `/private/projects/${ada.projectId}/api-keys/${revoked.id}`, { token: ada.token });
    const active = await createKey(t, ada, ada.projectId, "live");
    const tokens = [active.key, generateApiKey(), revoked.key, "azs_short", "not-a-key-at-all"];
    const res = await report(tokens);
    expect(res.status).toBe(200);
    expect(res.body.map((v: { label: string }) => v.label)).toEqual([
      "true_positive",
      "false_positive",
      "false_positive",
      "false_positive",
      "false_positive",
    ]);
    for (const [i, verdict] of (res.body as Record<string, string>[]).entries()) {
      expect(Object.keys(verdict).sort()).toEqual(["label", "token_hash", "token_type"]);
      expect(verdict.token_hash).toBe(hashApiKey(tokens[i]!));
    }
    // Nothing in the answer names a tenant.
    expect(JSON.stringify(res.body)).not.toContain(ada.orgId);
    expect(JSON.stringify(res.body)).not.toContain(ada.projectId);
  });

  test("reporting the same key twice in one report revokes it once; both items say true_positive", async () => {
    const { id, key } = await createKey(t, ada, ada.projectId, "twice");
    const res = await report([key, key]);
    expect(res.body.map((v: { label: string }) => v.label)).toEqual(["true_positive", "true_positive"]);
    const log = await t.request("GET", `/private/organizations/${ada.orgId}/audit-log?targetId=${id}&action=api_key.leak_reported`, {
      token: ada.token,
    });
    expect(log.body.data).toHaveLength(1);
  });

  test("at most 1,000 items (a body over 64 KiB is fine); an empty array or a missing field is 400", async () => {
    const many = Array.from({ length: 1000 }, () => generateApiKey());
    const ok = await report(many);
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(1000);
    const tooMany = await report([...many, generateApiKey()]);
    expect(tooMany.status).toBe(400);
    expect((await report([])).status).toBe(400);
    const missing = await t.request("POST", "/leaked-keys", { body: [{ token: generateApiKey(), type: "x", url: "u" }] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("source");
  });

  test("rate-limited per client address", async () => {
    const limited = await createTestApp({ rateLimitLeakReportsPerMinute: 2 });
    try {
      limited.clock.freeze();
      expect((await report([generateApiKey()], limited)).status).toBe(200);
      expect((await report([generateApiKey()], limited)).status).toBe(200);
      const refused = await report([generateApiKey()], limited);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe("rate_limited");
      expect(refused.headers.get("retry-after")).toBe("30");
    } finally {
      await limited.close();
    }
  });

  test("with LEAK_REPORT_SECRET set, only a valid X-Signature over the raw body is accepted (else 401)", async () => {
    const secret = "a-shared-secret-for-leak-reports";
    const signed = await createTestApp({ leakReportSecret: secret });
    try {
      const raw = JSON.stringify([finding(generateApiKey())]);
      const sign = (body: string, key = secret) => `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
      const send = (signature?: string) =>
        signed.request("POST", "/leaked-keys", {
          raw,
          headers: { "content-type": "application/json", ...(signature ? { "x-signature": signature } : {}) },
        });
      expect((await send(sign(raw))).status).toBe(200);
      for (const bad of [undefined, sign(raw, "another-secret-entirely"), sign(`${raw} `), "sha256=zz", "md5=abc"]) {
        const res = await send(bad);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe("invalid_signature");
      }
    } finally {
      await signed.close();
    }
  });
});
