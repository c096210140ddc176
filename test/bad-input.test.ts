import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jobs } from "../src/db/schema";
import { specOperations } from "../src/http/spec";
import { newId } from "../src/ids";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";

let t: TestApp;
let ada: Account;
beforeAll(async () => {
  t = await createTestApp();
  ada = await signUp(t, "ada");
}, 60_000);
afterAll(() => t.close());

const bodyOperations = specOperations
  .filter((op) => op.requestBody)
  .map((op) => [op.id, op.method.toUpperCase(), op.path, op.maxBodyBytes] as const);

async function concretePath(path: string): Promise<string> {
  const { id } = await createKey(t, ada);
  return path.replace("{orgId}", ada.orgId).replace("{projectId}", ada.projectId).replace("{id}", id).replace("{userId}", ada.id);
}

function expectClientError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.message.length).toBeGreaterThan(10);
  expect(res.body.error.message).not.toMatch(/\n\s+at /);
}

describe("every operation with a body refuses bad bodies with a 4xx and the envelope", () => {
  test.each(bodyOperations)("%s", async (_, method, path, maxBodyBytes) => {
    const url = await concretePath(path);
    const token = ada.token;
    expectClientError(
      await t.request(method, url, { token, raw: '{"name": ', headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    expectClientError(
      await t.request(method, url, { token, raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported_media_type",
    );
    expectClientError(await t.request(method, url, { token, body: { surprise: 1 } }), 400, "validation_failed");
    expectClientError(await t.request(method, url, { token, body: [1, 2] }), 400, "validation_failed");
    expectClientError(await t.request(method, url, { token, body: "just a string" }), 400, "validation_failed");
    expectClientError(
      await t.request(method, url, { token, raw: "", headers: { "content-type": "application/json" } }),
      400,
      "validation_failed",
    );
    expectClientError(
      // Past the operation's limit: 64 KiB, or its own `x-max-body-bytes`.
      await t.request(method, url, { token, raw: "x".repeat(maxBodyBytes + 6 * 1024), headers: { "content-type": "application/json" } }),
      413,
      "payload_too_large",
    );
  });
});

describe("messages name the field and what to change", () => {
  const keys = () => `/private/projects/${ada.projectId}/api-keys`;

  test.each([
    [{}, "Missing required field 'name'."],
    [{ name: "" }, "Field 'name' must not be blank."],
    [{ name: "   " }, "Field 'name' must not be blank."],
    [{ name: "x".repeat(101) }, "Field 'name' must be at most 100 characters long."],
    [{ name: 42 }, "Field 'name' must be of type string."],
    [
      { name: "ok", extra: true },
      "Unknown field 'extra'. Allowed fields: name, expiresAt, scopes, allowedIps, creditLimit, rateLimit, serviceAccountId.",
    ],
  ])("name %j → %s", async (body, message) => {
    const res = await t.request("POST", keys(), { token: ada.token, body });
    expectClientError(res, 400, "validation_failed");
    expect(res.body.error.message).toBe(message);
  });

  // Every limit a key can carry (issue 10), on create; PATCH shares the schemas and the checks.
  test.each([
    [{ expiresAt: "next week" }, "Field 'expiresAt' must be a valid date-time."],
    [{ expiresAt: "2020-01-01T00:00:00Z" }, "Field 'expiresAt' must be in the future."],
    [{ scopes: [] }, "Field 'scopes' must not be empty."],
    [{ scopes: ["jobs:read", "jobs:read"] }, "Field 'scopes' must not list the same item twice."],
    [{ scopes: ["admin"] }, "Field 'scopes.0' must be one of: projects:read, jobs:read, jobs:write."],
    [{ allowedIps: [] }, "Field 'allowedIps' must not be empty."],
    [
      { allowedIps: ["10.0.0.1", "10.0.0.300"] },
      "Field 'allowedIps[1]' ('10.0.0.300') is not an IPv4 or IPv6 address or CIDR range such as 203.0.113.0/24.",
    ],
    [{ allowedIps: Array(51).fill("10.0.0.1") }, "Field 'allowedIps' must have at most 50 items."],
    [{ creditLimit: { amount: 0, period: "day" } }, "Field 'creditLimit.amount' must be >= 1."],
    [{ creditLimit: { amount: 5, period: "week" } }, "Field 'creditLimit.period' must be one of: day, month, total."],
    [{ creditLimit: { amount: 5 } }, "Missing required field 'creditLimit.period'."],
    [{ rateLimit: { perSecond: 0, burst: 1 } }, "Field 'rateLimit.perSecond' must be greater than 0."],
    [{ rateLimit: { perSecond: 1, burst: 0.5 } }, "Field 'rateLimit.burst' must be of type integer."],
    [
      { rateLimit: { perSecond: 1000, burst: 1 } },
      "Field 'rateLimit' cannot exceed the project's limit of 50 per second with bursts of 100; lower perSecond or burst.",
    ],
    [{ serviceAccountId: "" }, "Field 'serviceAccountId' must not be blank."],
  ])("limit %j → %s", async (fields, message) => {
    const res = await t.request("POST", keys(), { token: ada.token, body: { name: "x", ...fields } });
    expectClientError(res, 400, "validation_failed");
    expect(res.body.error.message).toBe(message);
  });

  test("a PATCH with nothing to change, or a roll with a bad grace, says what to send", async () => {
    const { id } = (await t.request("POST", keys(), { token: ada.token, body: { name: "x" } })).body.data;
    const empty = await t.request("PATCH", `${keys()}/${id}`, { token: ada.token, body: {} });
    expectClientError(empty, 400, "validation_failed");
    expect(empty.body.error.message).toBe("The body must set at least 1 field.");
    const grace = await t.request("POST", `${keys()}/${id}/roll`, { token: ada.token, body: { gracePeriodSeconds: 700000 } });
    expectClientError(grace, 400, "validation_failed");
    expect(grace.body.error.message).toBe("Field 'gracePeriodSeconds' must be <= 604800.");
  });

  test("a name of 100 characters after trimming is accepted", async () => {
    const name = "n".repeat(100);
    const res = await t.request("POST", keys(), { token: ada.token, body: { name: `  ${name}  ` } });
    expect(res.status).toBe(201);
    expect(res.body.data.name).toBe(name);
  });

  test("sign-up refuses a bad email and a password under 8 characters", async () => {
    const badEmail = await t.request("POST", "/auth/register", { body: { email: "not-an-email", password: "long-enough", name: "X" } });
    expectClientError(badEmail, 400, "validation_failed");
    expect(badEmail.body.error.message).toBe("Field 'email' must be a valid email address.");
    const short = await t.request("POST", "/auth/register", { body: { email: "x@example.com", password: "short", name: "X" } });
    expect(short.body.error.message).toBe("Field 'password' must be at least 8 characters long.");
  });

  test("a role outside owner, admin, member is refused", async () => {
    const res = await t.request("POST", `/private/organizations/${ada.orgId}/members`, {
      token: ada.token,
      body: { email: "x@example.com", role: "god" },
    });
    expectClientError(res, 400, "validation_failed");
    expect(res.body.error.message).toBe("Field 'role' must be one of: owner, admin, member.");
  });

  test("a chunked body over 64 KiB is refused with 413 too", async () => {
    const chunk = new TextEncoder().encode(`{"name":"${"x".repeat(70 * 1024)}"}`);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(chunk);
        c.close();
      },
    });
    const res = await t.app.handle(
      new Request(`http://localhost${keys()}`, {
        method: "POST",
        body: stream,
        headers: { authorization: `Bearer ${ada.token}`, "content-type": "application/json" },
      }),
    );
    expect(res.status).toBe(413);
  });

  test("credentials are checked before the body: no token and a bad body is 401", async () => {
    expect((await t.request("POST", keys(), { body: { nope: 1 } })).status).toBe(401);
  });

  test("an unknown route is a 404 envelope naming the route", async () => {
    const res = await t.request("GET", "/no/such/route");
    expectClientError(res, 404, "route_not_found");
    expect(res.body.error.message).toContain("GET /no/such/route");
  });

  test("a malformed API key is refused as invalid before any lookup", async () => {
    for (const key of ["azs_short", `azs_${"A".repeat(42)}`, `azs_${"!".repeat(42)}`]) {
      expectClientError(await t.request("GET", `/projects/${ada.projectId}`, { token: key }), 401, "invalid_api_key");
    }
  });
});

describe("job list pagination", () => {
  test("limit defaults to 20, caps at 100, and the cursor walks every job exactly once", async () => {
    const now = Date.now();
    const rows = Array.from({ length: 45 }, (_, i) => {
      const createdAt = new Date(now - Math.floor(i / 3) * 1000);
      return {
        id: newId(createdAt),
        projectId: ada.projectId,
        createdBy: ada.id,
        url: `https://example.com/${i}`,
        status: "queued" as const,
        createdAt,
      };
    });
    await t.database.db.insert(jobs).values(rows);
    const { key } = await createKey(t, ada);
    const first = await t.request("GET", `/projects/${ada.projectId}/jobs`, { token: key });
    expect(first.body.data).toHaveLength(20);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `?limit=7&cursor=${cursor}` : "?limit=7";
      const page = await t.request("GET", `/projects/${ada.projectId}/jobs${qs}`, { token: key });
      seen.push(...page.body.data.map((j: { id: string }) => j.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(rows.map((r) => r.id).sort());
  });

  test.each(["0", "101", "abc", "1.5"])("limit=%s is a 400 naming the parameter", async (limit) => {
    const res = await t.request("GET", `/projects/${ada.projectId}/jobs?limit=${limit}`, { token: ada.token });
    expectClientError(res, 400, "validation_failed");
    expect(res.body.error.message).toContain("'limit'");
  });

  test("a cursor this API did not issue is a 400", async () => {
    const res = await t.request("GET", `/projects/${ada.projectId}/jobs?cursor=garbage`, { token: ada.token });
    expectClientError(res, 400, "invalid_cursor");
    expect(res.body.error.message).toContain("cursor");
  });

  // JavaScript dates reach year ±275760; PostgreSQL cannot even parse most of them.
  test.each(["+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "+010000-01-01T00:00:00.000Z"])(
    "a well-formed cursor holding the date %s is a 400 invalid_cursor on every paginated list",
    async (at) => {
      const cursor = Buffer.from(JSON.stringify([at, "67e0a1b2c3d4e5f6a7b8c9d0"])).toString("base64url");
      for (const path of [`/projects/${ada.projectId}/jobs`, `/private/organizations/${ada.orgId}/credits`]) {
        const res = await t.request("GET", `${path}?cursor=${cursor}`, { token: ada.token });
        expectClientError(res, 400, "invalid_cursor");
        expect(res.body.error.message).toContain("cursor");
      }
    },
  );
});
