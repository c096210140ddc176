import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
let ada: Account;

beforeAll(async () => {
  t = await createTestApp({ rateLimitKeyPerSecond: 1, rateLimitKeyBurst: 3, rateLimitProjectPerSecond: 2, rateLimitProjectBurst: 5 });
  t.clock.freeze(); // tokens come back only when the test moves the clock, however slow the machine
  ada = await signUp(t, "ada");
  // Buckets refill with time: only `advance` may move it, however slow the machine.
  t.clock.freeze();
}, 60_000);
afterAll(() => t.close());

const submit = (token: string) => t.request("POST", `/projects/${ada.projectId}/jobs`, { token, body: { url: "https://example.com/" } });

describe("rate limits on job creation, counted in the database", () => {
  test("a key gets its burst, then 429 with Retry-After and RateLimit headers, and tokens come back with time", async () => {
    const { key } = await createKey(t, ada, ada.projectId, "burst");
    const accepted = [await submit(key), await submit(key), await submit(key)];
    expect(accepted.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(accepted.map((r) => r.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0"]);
    const refused = await submit(key);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.headers.get("ratelimit-limit")).toBe("3");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    t.clock.advance(1000);
    expect((await submit(key)).status).toBe(202);
    expect((await submit(key)).status).toBe(429);
  });

  test("the project limit caps all its keys together, and a refusal there spends no key token", async () => {
    t.clock.advance(60_000); // every bucket full again: project 5, each key 3
    const a = (await createKey(t, ada, ada.projectId, "a")).key;
    const b = (await createKey(t, ada, ada.projectId, "b")).key;
    const statuses = [];
    for (const token of [a, a, a, b, b, b]) statuses.push((await submit(token)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    t.clock.advance(500); // the project regains 1 token; key b still has 1 since the refusal took none
    expect((await submit(b)).status).toBe(202);
  });
});
