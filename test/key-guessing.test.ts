import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateApiKey, hashApiKey } from "../src/auth/api-key-format";
import { KeyCache } from "../src/auth/key-cache";
import { KeyGuessThrottle } from "../src/auth/key-guess-throttle";
import { authenticate } from "../src/auth/principal";
import { systemClock } from "../src/clock";
import type { Deps } from "../src/deps";
import { type Account, createKey, keyRecord, signUp } from "./helpers/factories";
import { createTestApp, type Received, type TestApp } from "./helpers/harness";

/**
 * Guessing API keys: failed key checks are counted per client address (README "Key guessing"),
 * and a valid key is never held up by them. Behind a trusted proxy, so each test picks addresses.
 */
const BURST = 100; // KEY_FAILURE_BURST default
let t: TestApp;
let ada: Account;

beforeAll(async () => {
  t = await createTestApp({ trustProxy: true });
  t.clock.freeze();
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(() => t.close(), 30_000);

let nextAddress = 1;
const newAddress = () => `198.51.100.${nextAddress++}`;
const project = (key: string, address: string) =>
  t.request("GET", `/projects/${ada.projectId}`, { token: key, headers: { "x-forwarded-for": address } });

async function guesses(address: string, n: number): Promise<number[]> {
  const statuses = [];
  for (let i = 0; i < n; i++) statuses.push((await project(generateApiKey(), address)).status);
  return statuses;
}

function expectThrottled(r: Received) {
  expect(r.status).toBe(429);
  expect(r.body.error.code).toBe("too_many_invalid_keys");
  expect(r.headers.get("retry-after")).toBe("1");
}

describe("failed key checks per client address", () => {
  test("100 unknown well-formed keys get 401, then every further guess gets 429 with Retry-After; other addresses are unaffected", async () => {
    const guesser = newAddress();
    expect(await guesses(guesser, BURST)).toEqual(Array(BURST).fill(401));
    expectThrottled(await project(generateApiKey(), guesser));
    expect((await project(generateApiKey(), newAddress())).status).toBe(401);
    t.clock.advance(1000); // one more failure allowed per second
    expect(await guesses(guesser, 2)).toEqual([401, 429]);
  });

  test("the 429 comes on every route that checks a key, in the error envelope", async () => {
    const guesser = newAddress();
    await guesses(guesser, BURST);
    const from = { "x-forwarded-for": guesser };
    for (const [method, path] of [
      ["GET", `/projects/${ada.projectId}/jobs`],
      ["POST", `/projects/${ada.projectId}/jobs`],
      ["GET", "/private/me"],
    ] as const) {
      const res = await t.request(method, path, {
        token: generateApiKey(),
        headers: from,
        body: method === "POST" ? { url: "https://example.com/" } : undefined,
      });
      expectThrottled(res);
      expect(res.body.error.requestId).toBeString();
    }
  });

  test("a throttled address still gets through with a key this process has verified, cached or not", async () => {
    const guesser = newAddress();
    const cached = await createKey(t, ada, ada.projectId, "cached");
    const known = await createKey(t, ada, ada.projectId, "known");
    expect((await project(cached.key, guesser)).status).toBe(200);
    expect((await project(known.key, guesser)).status).toBe(200);
    t.deps.keyCache.invalidate({ kind: "key", keyId: known.id }); // no longer cached, still verified recently
    await guesses(guesser, BURST);
    expect((await project(cached.key, guesser)).status).toBe(200);
    expect((await project(known.key, guesser)).status).toBe(200);
    // A key this process has not seen yet is a guess like any other until the address may try again.
    const fresh = await createKey(t, ada, ada.projectId, "fresh");
    expectThrottled(await project(fresh.key, guesser));
    expect((await project(fresh.key, newAddress())).status).toBe(200);
  });

  test("a revoked key retried in a loop is throttled too", async () => {
    const looper = newAddress();
    const revoked = await createKey(t, ada, ada.projectId, "revoked");
    expect((await project(revoked.key, looper)).status).toBe(200);
    await t.request("DELETE", `/private/projects/${ada.projectId}/api-keys/${revoked.id}`, { token: ada.token });
    const statuses = [];
    for (let i = 0; i <= BURST + 1; i++) statuses.push((await project(revoked.key, looper)).status);
    expect(statuses.slice(0, BURST + 1)).toEqual(Array(BURST + 1).fill(401));
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("the throttle itself", () => {
  test("a throttled address's guess is refused before the database, and a valid cached key never reaches the throttle", async () => {
    const keyCache = new KeyCache(10, 60_000);
    keyCache.trustUntil(Number.POSITIVE_INFINITY);
    const valid = generateApiKey();
    await keyCache.resolve(hashApiKey(valid), async () => keyRecord({ keyId: "k", userId: "u", projectId: "p", organizationId: "o" }));
    const untouchable = new Proxy(
      {},
      {
        get: () => {
          throw new Error("the database was touched");
        },
      },
    );
    const keyGuesses = new KeyGuessThrottle({ burst: 1, perSecond: 1 });
    keyGuesses.admit("spent", "192.0.2.1", systemClock.now().getTime()); // the address's one failure, used up
    const keyUsage = { record: () => {} };
    const deps = { db: untouchable, keyCache, keyGuesses, keyUsage, clock: systemClock } as unknown as Deps;
    await expect(authenticate(deps, `Bearer ${generateApiKey()}`, () => "192.0.2.1")).rejects.toMatchObject({
      code: "too_many_invalid_keys",
    });
    const noThrottle = { ...deps, keyGuesses: undefined } as unknown as Deps;
    expect(await authenticate(noThrottle, `Bearer ${valid}`, () => "192.0.2.1")).toMatchObject({ via: "apiKey", keyId: "k" });
  });

  test("memory stays bounded: 50,000 guessing addresses leave at most 10,000 tracked", () => {
    const keyGuesses = new KeyGuessThrottle({ burst: 5, perSecond: 1 });
    for (let i = 0; i < 50_000; i++) keyGuesses.admit(`guess-${i}`, `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 0);
    expect(keyGuesses.trackedAddresses).toBeLessThanOrEqual(10_000);
  });
});
