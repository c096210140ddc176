import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { users } from "../../src/db/schema";
import { allowedMethods, type Parameter, specOperations } from "../../src/http/spec";
import { type Account, addMember, createKey, signUp } from "../helpers/factories";
import { createTestApp, type Sent, type TestApp } from "../helpers/harness";
import { junk, nearlyValid, valid } from "./schema-arbitrary";

/**
 * Property-based requests for every operation in openapi.yaml, valid and hostile, through the
 * harness (which checks each response against the spec). The promise: never a 5xx, always the
 * contract; HEAD answers as GET would, and a method a path does not list is 405 with `Allow`.
 * FUZZ_SEED pins the seed (.ci/run does); otherwise each run picks one and prints it.
 */
const TOTAL_RUNS = 400;
const baseSeed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 1e9;
console.log(`fuzz seed ${baseSeed} (run again with FUZZ_SEED=${baseSeed} to replay)`);

const operations = specOperations.map((op) => ({
  name: `${op.id} (${op.method.toUpperCase()} ${op.path})`,
  path: op.path,
  method: op.method.toUpperCase(),
  op,
  params: op.parameters,
}));
const runsPerOperation = Math.ceil(TOTAL_RUNS / operations.length);

let t: TestApp;
let owner: Account;
let realIds: string[];
/** The real id each path parameter name most likely wants, so requests also reach the success paths. */
let realIdFor: Record<string, string>;
let keySecret: string;
/** A signed, unexpired session of an account whose row was deleted since. */
let goneToken: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t, "fuzz-owner");
  const member = await signUp(t, "fuzz-member");
  const stranger = await signUp(t, "fuzz-stranger");
  await addMember(t, owner, member, "member");
  const key = await createKey(t, owner);
  keySecret = key.key;
  const spare = await createKey(t, owner, owner.projectId, "spare"); // the one {id} names: revoking it keeps `key` working
  const job = await t.request("POST", `/projects/${owner.projectId}/jobs`, { token: keySecret, body: { url: "https://example.com/" } });
  realIds = [owner.orgId, owner.projectId, owner.id, member.id, key.id, spare.id, job.body.data.id, stranger.projectId, stranger.orgId];
  realIdFor = { orgId: owner.orgId, projectId: owner.projectId, userId: member.id, id: spare.id, jobId: job.body.data.id };
  const gone = await signUp(t, "fuzz-gone");
  await t.database.db.delete(users).where(eq(users.id, gone.id));
  goneToken = gone.token;
}, 60_000);
afterAll(() => t.close(), 30_000);

/** Any generated value as text (String() throws on objects without a prototype). */
const text = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? "undefined"));
const asciiHeader = fc.string({ unit: "binary-ascii", maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, ""));

/** Cursors shaped like ours around any date JavaScript can hold (year ±275760), most of which PostgreSQL cannot. */
const cursorLike = fc
  .tuple(fc.date({ noInvalidDate: true }), fc.stringMatching(/^[0-9a-f]{24}$/))
  .map(([at, id]) => Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url"));

function pathValue(name: string) {
  const likely = realIdFor[name];
  return fc.oneof(
    ...(likely ? [{ weight: 4, arbitrary: fc.constant(likely) }] : []),
    { weight: 1, arbitrary: fc.constantFrom(...realIds) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/) },
    // Never empty: `/a/{id}/` with an empty id is `/a/`, which Elysia serves as `/a`, another operation.
    { weight: 1, arbitrary: junk.map(text).filter((v) => v !== "") },
  );
}

/** Each declared query parameter, present two times in three and mostly valid, plus a stray one. */
function queryArbitrary(params: Parameter[]) {
  const value = (p: Parameter) =>
    fc.oneof(
      { weight: 4, arbitrary: p.name === "cursor" ? cursorLike : valid(p.schema).map(text) },
      { weight: 1, arbitrary: junk.map(text) },
    );
  const declared = fc
    .tuple(
      ...params.map((p) =>
        fc.option(
          value(p).map((v) => [p.name, v] as [string, string]),
          { nil: undefined, freq: 3 },
        ),
      ),
    )
    .map((entries) => entries.filter((e) => e !== undefined));
  const stray = fc.array(fc.tuple(fc.constant("extra"), junk.map(text)), { maxLength: 1 });
  return fc.tuple(declared, stray).map(([a, b]) => [...a, ...b]);
}

type Fuzzed = (typeof operations)[number];

function requestArbitrary(op: Fuzzed) {
  const pathParams = fc.tuple(...op.params.filter((p) => p.in === "path").map((p) => pathValue(p.name)));
  const query = queryArbitrary(op.params.filter((p) => p.in === "query"));
  const schema = op.op.requestBody?.schema;
  const body: fc.Arbitrary<Pick<Sent, "body" | "raw">> = schema
    ? fc.oneof(
        { weight: 3, arbitrary: valid(schema).map((b) => ({ body: b })) },
        { weight: 3, arbitrary: nearlyValid(schema).map((b) => ({ body: b })) },
        { weight: 1, arbitrary: junk.map((b) => ({ body: b })) },
        { weight: 1, arbitrary: fc.constantFrom("{", '{"a":', "[1,2", "x".repeat(70 * 1024), "\u00ff\u00fe").map((raw) => ({ raw })) },
        { weight: 1, arbitrary: fc.constant({}) },
      )
    : fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: junk.map((b) => ({ body: b })) });
  const auth = fc.oneof(
    { weight: 4, arbitrary: fc.constant("jwt") },
    { weight: 3, arbitrary: fc.constant("key") },
    { weight: 3, arbitrary: fc.constantFrom("none", "garbage", "malformed-key", "basic", "empty-bearer", "gone-user-jwt") },
  );
  const contentType = fc.constantFrom(
    undefined,
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "",
  );
  return fc.record({ pathParams, query, body, auth, contentType, requestId: fc.option(asciiHeader) });
}

const encode = (v: string) => encodeURIComponent(v.toWellFormed());

function authHeader(kind: string): Record<string, string> {
  switch (kind) {
    case "jwt":
      return { authorization: `Bearer ${owner.token}` };
    case "key":
      return { authorization: `Bearer ${keySecret}` };
    case "gone-user-jwt":
      return { authorization: `Bearer ${goneToken}` };
    case "garbage":
      return { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl" };
    case "malformed-key":
      return { authorization: `Bearer azs_${"A".repeat(42)}` };
    case "basic":
      return { authorization: "Basic dXNlcjpwYXNz" };
    case "empty-bearer":
      return { authorization: "Bearer " };
    default:
      return {};
  }
}

/** The request a generated case describes, at a concrete path. */
function toRequest(op: Fuzzed, r: Generated) {
  let n = 0;
  const path = op.path.replace(/\{\w+\}/g, () => encode(r.pathParams[n++]!));
  const search = new URLSearchParams(r.query.map(([k, v]) => [k, v.toWellFormed()])).toString();
  const headers: Record<string, string> = { ...authHeader(r.auth) };
  if (r.contentType !== undefined && (r.body.body !== undefined || r.body.raw !== undefined)) headers["content-type"] = r.contentType;
  if (r.requestId !== null) headers["x-request-id"] = r.requestId;
  return { url: search ? `${path}?${search}` : path, sent: { ...r.body, headers } };
}
type Generated = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer G> ? G : never;

describe("fuzzing every operation in openapi.yaml", () => {
  test.each(operations.map((op, i) => [op.name, op, i] as const))(
    "%s: no 5xx, every response matches the spec",
    async (_name, op, i) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), async (r) => {
          const { url, sent } = toRequest(op, r);
          const res = await t.request(op.method, url, sent);
          expect(res.status).toBeLessThan(500);
          if (op.method === "GET") {
            // HEAD is GET without the answer's body (RFC 9110): same status, no body (the harness checks that).
            const head = await t.request("HEAD", url, { headers: sent.headers });
            expect(head.status).toBe(res.status);
          }
        }),
        { numRuns: runsPerOperation, seed: baseSeed + i, endOnFailure: true },
      );
    },
    60_000,
  );

  const paths = [...new Map(operations.map((op) => [op.path, op])).values()];
  test.each(paths.map((op, i) => [op.path, op, i] as const))(
    "%s: a method it does not list is 405 with Allow",
    async (_path, op, i) => {
      const listed = allowedMethods(op.path.replace(/\{\w+\}/g, "x"));
      const others = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => !listed.includes(m));
      await fc.assert(
        fc.asyncProperty(requestArbitrary(op), fc.constantFrom(...others), async (r, method) => {
          const { url, sent } = toRequest(op, r);
          const res = await t.request(method, url, method === "HEAD" ? { headers: sent.headers } : sent);
          expect(res.status).toBe(405);
        }),
        { numRuns: 5, seed: baseSeed + 1000 + i, endOnFailure: true },
      );
    },
    60_000,
  );
});

describe("inputs the database cannot store", () => {
  test("a NUL character in an id or a name is a 400, never a 500", async () => {
    const keyPath = `/private/projects/${owner.projectId}/api-keys`;
    const deleted = await t.request("DELETE", `${keyPath}/%00`, { token: owner.token });
    expect(deleted.status).toBe(400);
    expect(deleted.body.error.code).toBe("validation_failed");
    const named = await t.request("POST", keyPath, { token: owner.token, body: { name: "nul\u0000name" } });
    expect([201, 400]).toContain(named.status);
  });
});

describe("names that are also JavaScript object keys", () => {
  test("GET /swagger/assets/__proto__ (or constructor) is a 404, not a crash", async () => {
    for (const name of ["__proto__", "constructor", "toString"]) {
      expect((await t.request("GET", `/swagger/assets/${name}`)).status).toBe(404);
    }
  });
});

describe("apps built in one process are independent", () => {
  test("a second app serves /swagger, even when its first request carries a content type", async () => {
    await t.request("GET", "/swagger");
    const second = await createTestApp();
    try {
      const page = await second.request("GET", "/swagger", { headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(page.status).toBe(200);
      expect((await second.request("GET", "/swagger")).status).toBe(200);
    } finally {
      await second.close();
    }
  }, 30_000);
});
