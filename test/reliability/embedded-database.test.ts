import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StartedServer, startServer } from "../helpers/server";
import { call, createKeyVia, type Seeded, seedUser } from "./processes";

/**
 * `npm start` without DATABASE_URL: the server starts its own PostgreSQL with the data in DATA_DIR,
 * stops it on SIGTERM, and finds it again after a crash. One data directory through all the steps.
 */
const dataDir = mkdtempSync(join(tmpdir(), "azs-embedded-"));
const env = { DATABASE_URL: "", DATA_DIR: dataDir, LOG_REQUESTS: "false", WORKER: "off" };
const pidFile = join(dataDir, "postgres", "postmaster.pid");
const running: StartedServer[] = [];
let user: Seeded;
let key: string;

afterAll(async () => {
  for (const server of running) await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<StartedServer> {
  const server = await startServer(env);
  running.push(server);
  return server;
}

async function stop(server: StartedServer) {
  await server.stop();
  running.splice(running.indexOf(server), 1);
}

/** The pid of the PostgreSQL serving `dataDir` now, from its lock file; undefined if none runs. */
function postmaster(): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function keyWorks(server: StartedServer) {
  return (await call(server.baseUrl, "GET", `/projects/${user.projectId}`, { token: key })).status;
}

describe("the embedded database (no DATABASE_URL)", () => {
  test("the server starts PostgreSQL in DATA_DIR, says so, and serves from it", async () => {
    const server = await start();
    const line = server.output.map((l) => (l.startsWith("{") ? JSON.parse(l) : {})).find((l) => l.event === "listening");
    expect(line.database).toBe(`embedded PostgreSQL in ${dataDir}`);
    expect(postmaster()).toBeNumber();
    user = await seedUser(server.baseUrl, "embedded");
    key = (await createKeyVia(server.baseUrl, user)).key;
    expect(await keyWorks(server)).toBe(200);
    await stop(server);
  }, 120_000);

  test("SIGTERM stops its PostgreSQL too", () => {
    expect(postmaster()).toBeUndefined();
  });

  test("the data is still there after a restart", async () => {
    const server = await start();
    expect(await keyWorks(server)).toBe(200);
    const login = await call(server.baseUrl, "POST", "/auth/login", { body: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
  }, 120_000);

  test("a second server on the same DATA_DIR refuses to start and leaves the first one serving", async () => {
    const error = await start().catch((e: Error) => e);
    expect(String(error)).toContain("Stop it, or give this one its own DATA_DIR");
    expect(await keyWorks(running[0]!)).toBe(200);
  }, 120_000);

  test("after kill -9 of the server, its orphaned PostgreSQL is stopped and the next start serves the same data", async () => {
    const crashed = running[0]!;
    const orphan = postmaster();
    crashed.proc.kill("SIGKILL");
    await crashed.exited;
    expect(postmaster()).toBe(orphan); // PostgreSQL outlives the server it belonged to
    await stop(crashed);

    const server = await start();
    expect(postmaster()).not.toBe(orphan);
    expect(await keyWorks(server)).toBe(200);
    await stop(server);
    expect(postmaster()).toBeUndefined();
  }, 120_000);
});
