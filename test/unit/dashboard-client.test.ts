import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Schemas } from "../../src/dashboard/client/api";
import { href, parseRoute, returnTo } from "../../src/dashboard/client/routes";
import { accessWords, creditLimitWords, keyState, rateLimitWords, timeLeft } from "../../src/dashboard/client/views/keys/key-words";
import { bucketStarts } from "../../src/dashboard/client/views/usage/buckets";

type ApiKey = Schemas["ApiKey"];

describe("the dashboard's route table", () => {
  test("every address it makes parses back to the same route, query included", () => {
    const job = href("job", { projectId: "p1", jobId: "j2" });
    expect(job).toBe("#/projects/p1/jobs/j2");
    expect(parseRoute(job)).toEqual({ name: "job", params: { projectId: "p1", jobId: "j2" }, query: {} });
    const filtered = href("jobs", { projectId: "p1" }, { status: "failed", key: undefined });
    expect(filtered).toBe("#/projects/p1/jobs?status=failed");
    expect(parseRoute(filtered)).toEqual({ name: "jobs", params: { projectId: "p1" }, query: { status: "failed" } });
    expect(parseRoute("")).toEqual({ name: "home", params: {}, query: {} });
  });

  test("an address that names no screen is null, not a guess", () => {
    for (const hash of ["#/projects", "#/projects/p1", "#/projects/p1/nope", "#/projects/%E0%A4%A/keys", "#/main"])
      expect(parseRoute(hash)).toBeNull();
  });

  test("after signing in it returns only to a dashboard screen, never to another site or back to sign-in", () => {
    expect(returnTo("/projects/p1/jobs?status=failed")).toBe("#/projects/p1/jobs?status=failed");
    for (const next of [undefined, "", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "/sign-in", "/sign-up?next=/x"]) {
      expect(returnTo(next)).toBe("#/");
    }
  });
});

describe("the dashboard's client", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

  test("renders text only: no source sets HTML from a string", () => {
    const offenders = files(join(import.meta.dir, "../../src/dashboard/client"))
      .filter((f) => /\.tsx?$/.test(f))
      .filter((f) => /dangerouslySetInnerHTML|innerHTML|outerHTML\s*=|insertAdjacentHTML|document\.write/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});

describe("the dashboard's words for keys and usage", () => {
  const now = Date.parse("2026-06-01T12:00:00.000Z");
  const at = (ms: number) => new Date(now + ms).toISOString();
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const key = (fields: Partial<ApiKey>): ApiKey => ({
    id: "k1",
    name: "ci",
    keyHint: "a1b2",
    prefix: "azs_",
    createdAt: at(-DAY),
    lastUsedAt: null,
    lastUsedIp: null,
    createdBy: "u1",
    status: "active",
    expiresAt: null,
    revokedAt: null,
    revokedReason: null,
    scopes: ["projects:read", "jobs:read", "jobs:write"],
    allowedIps: null,
    creditLimit: null,
    rateLimit: null,
    serviceAccountId: null,
    rolledFromId: null,
    ...fields,
  });

  test("a key's status says how long it has left, and warns within the week", () => {
    expect(keyState(key({}), 7, now)).toEqual({ tone: "ok", words: "Active" });
    expect(keyState(key({ expiresAt: at(30 * DAY - 1000) }), 7, now)).toEqual({ tone: "ok", words: "Expires in 30 days" });
    expect(keyState(key({ expiresAt: at(3 * DAY) }), 7, now)).toEqual({ tone: "soon", words: "Expires in 3 days" });
    expect(keyState(key({ expiresAt: at(30 * DAY), revokedAt: at(HOUR - 1000) }), 7, now)).toEqual({
      tone: "soon",
      words: "Ends in 1 hour (rolled)",
    });
    expect(keyState(key({ status: "expired", expiresAt: at(-HOUR) }), 7, now)).toEqual({ tone: "ended", words: "Expired" });
    expect(keyState(key({ status: "revoked", revokedAt: at(-HOUR), revokedReason: "member_removed" }), 7, now).words).toBe(
      "Revoked: its creator left the organization",
    );
  });

  test("time left is rounded to the unit a person would say", () => {
    expect(timeLeft(at(36 * HOUR), now)).toBe("2 days");
    expect(timeLeft(at(25 * HOUR), now)).toBe("1 day");
    expect(timeLeft(at(5 * HOUR + 10 * 60_000), now)).toBe("5 hours");
    expect(timeLeft(at(50 * 60_000), now)).toBe("1 hour");
    expect(timeLeft(at(20 * 60_000), now)).toBe("20 minutes");
    expect(timeLeft(at(10_000), now)).toBe("1 minute");
  });

  test("access and limits in words", () => {
    expect(accessWords(["jobs:read", "projects:read"])).toBe("Read only");
    expect(accessWords(["jobs:write"])).toBe("Submit and cancel jobs");
    expect(creditLimitWords({ amount: 1, period: "total" })).toBe("1 credit in total");
    expect(rateLimitWords(null)).toBe("Project's rate limit");
  });

  test("usage buckets cover the whole range, empty hours and days included, aligned to UTC", () => {
    const hours = bucketStarts("2026-06-01T09:30:00.000Z", "2026-06-01T12:10:00.000Z", "hour");
    expect(hours).toEqual(["2026-06-01T09:00:00.000Z", "2026-06-01T10:00:00.000Z", "2026-06-01T11:00:00.000Z", "2026-06-01T12:00:00.000Z"]);
    expect(bucketStarts("2026-05-25T12:00:00.000Z", "2026-06-01T12:00:00.000Z", "day")).toHaveLength(8);
  });
});
