import { describe, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { generateSecret, signatureHeader } from "../../src/modules/webhooks/signing";
import { backoffMs } from "../../src/worker/webhook-queue";

describe("Standard Webhooks signatures, checked against the standardwebhooks package", () => {
  test("one secret: the header is exactly what the reference implementation signs", () => {
    const secret = generateSecret();
    const at = new Date("2026-06-01T09:00:00.000Z");
    const body = '{"type":"job.succeeded","timestamp":"2026-06-01T09:00:00.000Z","data":{"id":"x","text":"ünïcödé ✓"}}';
    expect(signatureHeader([secret], "msg_1", at.getTime() / 1000, body)).toBe(new Webhook(secret).sign("msg_1", at, body));
  });

  test("two secrets (a rotation): both signatures, space-separated, each verifying alone", () => {
    const [fresh, old] = [generateSecret(), generateSecret()];
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader([fresh, old], "msg_2", now, "{}");
    const headers = { "webhook-id": "msg_2", "webhook-timestamp": String(now), "webhook-signature": header };
    expect(header.split(" ")).toHaveLength(2);
    expect(new Webhook(fresh).verify("{}", headers)).toEqual({});
    expect(new Webhook(old).verify("{}", headers)).toEqual({});
    expect(() => new Webhook(generateSecret()).verify("{}", headers)).toThrow();
  });

  test("secrets are whsec_ and 24 random bytes, never twice the same", () => {
    const secrets = new Set(Array.from({ length: 100 }, generateSecret));
    expect(secrets.size).toBe(100);
    for (const s of secrets) expect(Buffer.from(s.slice(6), "base64")).toHaveLength(24);
  });
});

describe("retry backoff", () => {
  test("doubles from the base with ±20% jitter, and never waits more than 8 hours", () => {
    for (const [attempt, exact] of [
      [1, 30_000],
      [2, 60_000],
      [5, 480_000],
    ] as const) {
      const delay = backoffMs(30_000, attempt);
      expect(delay).toBeGreaterThanOrEqual(exact * 0.8);
      expect(delay).toBeLessThanOrEqual(exact * 1.2);
    }
    for (const attempt of [11, 12, 40, 2000]) expect(backoffMs(30_000, attempt)).toBeLessThanOrEqual(8 * 3_600_000);
  });
});
