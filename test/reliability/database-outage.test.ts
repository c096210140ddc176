import { afterAll, beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { type StartedServer, startServer } from "../helpers/server";
import { canRunPrivatePostgres, type PrivatePostgres, privatePostgres } from "./private-postgres";
import { ADMIN_URL, call, createKeyVia, seedUser } from "./processes";

/**
 * PostgreSQL goes away under load and comes back. Runs on a private instance (ports 4321) so the
 * machine's shared server, which other tests use, is never stopped.
 */
const enabled = Boolean(ADMIN_URL) && canRunPrivatePostgres;
let pg: PrivatePostgres;
let server: StartedServer;
let dbUrl: string;

beforeAll(async () => {
  if (!enabled) return;
  pg = await privatePostgres(4321);
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe("create database azs");
  await admin.end();
  dbUrl = pg.url.replace(/\/postgres$/, "/azs");
  server = await startServer({ DATABASE_URL: dbUrl, AUTH_CACHE_TTL_MS: "1000", LOG_REQUESTS: "false" });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await pg?.destroy();
}, 30_000);

type Outcome = { phase: string; status: number; ms: number; code?: string; createdId?: string };

test.skipIf(!enabled)(
  "during an outage: 503 envelopes within 5 s, /ready says so, recovery without a restart, every acknowledged write kept",
  async () => {
    const user = await seedUser(server.baseUrl, "outage");
    const { key } = await createKeyVia(server.baseUrl, user);
    let phase = "before";
    let stopLoad = false;
    const outcomes: Outcome[] = [];
    const ready: Outcome[] = [];
    const timed = async (into: Outcome[], method: string, path: string, opts: Parameters<typeof call>[3]) => {
      // The phase a request was sent in, not the one it ended in: a request sent during the outage
      // may wait out a connect attempt and answer 503 after the database is back.
      const sentIn = phase;
      const start = performance.now();
      const res = await call(server.baseUrl, method, path, { ...opts, timeoutMs: 8000 });
      into.push({
        phase: sentIn,
        status: res.status,
        ms: performance.now() - start,
        code: res.body?.error?.code,
        createdId: res.status === 201 ? res.body.data.id : undefined,
      });
    };
    const writer = async () => {
      for (let i = 0; !stopLoad; i++) {
        await timed(outcomes, "POST", `/private/organizations/${user.orgId}/projects`, { token: user.token, body: { name: `p${i}` } });
      }
    };
    const reader = async () => {
      while (!stopLoad) await timed(outcomes, "GET", `/projects/${user.projectId}`, { token: key });
    };
    const prober = async () => {
      while (!stopLoad) {
        await timed(ready, "GET", "/ready", {});
        await Bun.sleep(100);
      }
    };
    const load = Promise.all([writer(), writer(), reader(), reader(), prober()]);

    await Bun.sleep(1000);
    await pg.stop();
    phase = "outage";
    await Bun.sleep(3000);
    await pg.start();
    phase = "after";
    for (let i = 0; i < 100 && !ready.some((r) => r.phase === "after" && r.status === 200); i++) await Bun.sleep(100);
    await Bun.sleep(1500);
    stopLoad = true;
    await load;

    const all = [...outcomes, ...ready];
    const unanswered = all.filter((o) => o.status === 0 || o.ms > 5000);
    // Requests that got no answer at all mean the server stopped: its last lines say why.
    if (unanswered.some((o) => o.status === 0)) console.error(`server output (last 40 lines):\n${server.output.slice(-40).join("\n")}`);
    expect(unanswered.slice(0, 5), `no request failed to answer or took over 5 s (${unanswered.length} did; the first 5 shown)`).toEqual(
      [],
    );
    expect(
      all.filter((o) => o.status >= 500 && o.status !== 503),
      "no 5xx other than 503",
    ).toEqual([]);
    expect(all.filter((o) => o.status === 503 && o.code !== "service_unavailable")).toEqual([]);
    expect(outcomes.some((o) => o.phase === "outage" && o.status === 503)).toBe(true);
    expect(ready.some((o) => o.phase === "outage" && o.status === 503)).toBe(true);
    expect(ready.some((o) => o.phase === "after" && o.status === 200)).toBe(true);
    const lastOf = (status: number) =>
      outcomes
        .filter((o) => o.phase === "after")
        .slice(-10)
        .filter((o) => o.status === status).length;
    expect(lastOf(201) + lastOf(200), "the last requests after recovery all succeed").toBe(10);

    const acknowledged = outcomes.flatMap((o) => (o.createdId ? [o.createdId] : []));
    const check = postgres(dbUrl, { max: 1, onnotice: () => {} });
    const stored = await check`select id from projects where id in ${check(acknowledged)}`;
    await check.end();
    expect(stored.length).toBe(acknowledged.length);
  },
  60_000,
);
