import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { type Database, openPostgres } from "../src/db/client";
import { creditLedger, jobs } from "../src/db/schema";
import { throwawayPostgres } from "./helpers/database";
import { eventually } from "./helpers/eventually";
import { type StartedServer, startServer } from "./helpers/server";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

/**
 * Real server processes sharing one PostgreSQL: only meaningful (and only run) when
 * TEST_DATABASE_URL points at a server several processes can reach.
 */
const adminUrl = process.env.TEST_DATABASE_URL;
// Short enough to keep the test quick, long enough that a loaded machine does not miss heartbeats (every LEASE_MS / 3).
const LEASE_MS = 3000;

let throwaway: Awaited<ReturnType<typeof throwawayPostgres>>;
let dbUrl: string;
let db: Database;
let site: TargetSite;
let token: string;
let projectId: string;
const servers: StartedServer[] = [];

async function startProcess(): Promise<StartedServer> {
  const server = await startServer({
    DATABASE_URL: dbUrl,
    ALLOW_PRIVATE_TARGETS: "true",
    ALLOWED_TARGET_PORTS: "*",
    WORKER_POLL_MS: "50",
    WORKER_CONCURRENCY: "3",
    JOB_LEASE_MS: String(LEASE_MS),
    SHUTDOWN_GRACE_MS: "10000",
    RATE_LIMIT_KEY_BURST: "1000",
    RATE_LIMIT_PROJECT_BURST: "1000",
    LOG_REQUESTS: "false",
  });
  servers.push(server);
  return server;
}

async function call(server: StartedServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

// Several processes on a busy machine: give each wait twice the helper's default.
const WAIT = { timeoutMs: 20_000 };

const jobRow = async (id: string) => (await db.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
const settledRow = (id: string) =>
  eventually(
    `job ${id} to settle`,
    async () => {
      const row = await jobRow(id);
      expect(["succeeded", "failed", "canceled"]).toContain(row.status);
      return row;
    },
    WAIT,
  );

describe.skipIf(!adminUrl)("several server processes on one PostgreSQL", () => {
  beforeAll(async () => {
    throwaway = await throwawayPostgres(adminUrl!);
    dbUrl = throwaway.url;
    db = openPostgres(dbUrl);
    site = startTargetSite();
    const a = await startProcess();
    const email = `mp-${randomBytes(4).toString("hex")}@example.com`;
    await call(a, "POST", "/auth/register", { email, password: "multi-process-pw", name: "MP" });
    token = (await call(a, "POST", "/auth/login", { email, password: "multi-process-pw" })).body.data.accessToken;
    projectId = (await call(a, "GET", "/private/projects")).body.data[0].id;
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) s.proc.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.stop()));
    site?.stop();
    await db?.close();
    await throwaway?.drop();
  });

  test("two processes share the queue: 12 jobs, each fetched once and charged once", async () => {
    const [a] = servers;
    const b = await startProcess();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call(i % 2 ? b : a!, "POST", `/projects/${projectId}/jobs`, { url: `${site.url}/mp/${i}` });
      expect(res.status).toBe(202);
      ids.push(res.body.data.id);
    }
    for (const id of ids) expect((await settledRow(id)).status).toBe("succeeded");
    for (let i = 0; i < 12; i++) expect(site.hits.get(`/mp/${i}`), `/mp/${i}`).toBe(1);
    const charges = await db.db.select().from(creditLedger).where(eq(creditLedger.kind, "charge"));
    expect(charges.length).toBe(12);
    expect(new Set(charges.map((c) => c.jobId)).size).toBe(12);
  }, 60_000);

  test("a killed worker's job is finished by the other process after the lease, and charged once", async () => {
    const res = await call(servers[0]!, "POST", `/projects/${projectId}/jobs`, { url: `${site.url}/hold/killed` });
    const id = res.body.data.id as string;
    // Wait until the claiming process is inside the fetch (the site holds the request), then kill it.
    const claimed = await eventually(
      "a process to claim the job and the site to hold its request",
      async () => {
        const row = await jobRow(id);
        expect({ status: row.status, hits: site.hits.get("/hold/killed") }).toEqual({ status: "running", hits: 1 });
        return row;
      },
      WAIT,
    );
    // Worker ids are host-pid-random: kill whichever process claimed it.
    const victim = servers.find((s) => claimed.workerId!.includes(`-${s.proc.pid}-`))!;
    victim.proc.kill("SIGKILL");
    await victim.proc.exited;
    servers.splice(servers.indexOf(victim), 1);
    const done = await settledRow(id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    expect(done.attempts).toBe(2);
    expect(done.workerId).not.toBe(claimed.workerId);
    expect(site.hits.get("/hold/killed")).toBe(2);
    const charges = await db.db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.jobId, id), eq(creditLedger.kind, "charge")));
    expect(charges.length).toBe(1);
    site.release();
  }, 60_000);

  test("SIGTERM lets the running job finish, then the process exits 0", async () => {
    const [survivor] = servers;
    const res = await call(survivor!, "POST", `/projects/${projectId}/jobs`, { url: `${site.url}/slow?ms=800` });
    await eventually("the slow job to be running", async () => expect((await jobRow(res.body.data.id)).status).toBe("running"), WAIT);
    survivor!.proc.kill("SIGTERM");
    expect(await survivor!.proc.exited).toBe(0);
    expect((await jobRow(res.body.data.id)).status).toBe("succeeded");
  }, 60_000);
});
