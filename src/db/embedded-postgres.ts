import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { type Binaries, initialiseCluster, openDataDirTo, postgresBinaries, type RunAs, runAsForPostgres } from "./embedded-cluster";

/** A PostgreSQL server this process started from the npm-shipped binaries, and owns until `stop()`. */
export type EmbeddedPostgres = {
  /** A superuser URL for the `database` named in the options. */
  url: string;
  port: number;
  stop(): Promise<void>;
};

export type EmbeddedOptions = {
  /** Holds the cluster (`postgres/`), its password and its log. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one at every start (never the machine's 5432). */
  port: number;
  /** Created on first start. */
  database: string;
  /** Extra `-c name=value` server settings (the test suite turns durability off). */
  settings?: Record<string, string>;
};

const READY_TIMEOUT_MS = 60_000;

/**
 * Starts (initialising on first use) the PostgreSQL cluster in `dataDir/postgres`. A server left
 * running by a process that died without stopping it (kill -9) is stopped first; one that belongs
 * to a live process is an error, since two servers must not share a data directory.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, "postgres");
  const ownerFile = join(dataDir, "postgres-owner.pid");
  refuseEarlierPglite(dataDir, clusterDir);
  const bin = await postgresBinaries();
  const runAs = runAsForPostgres();
  mkdirSync(dataDir, { recursive: true });
  openDataDirTo(dataDir, runAs);
  const password = clusterPassword(dataDir);
  if (!existsSync(join(clusterDir, "PG_VERSION"))) await initialiseCluster(bin, clusterDir, password, runAs);
  await stopLeftoverServer(clusterDir, ownerFile, dataDir);
  writeFileSync(ownerFile, String(process.pid));

  const { child, port } = await startServerProcess(bin, clusterDir, join(dataDir, "postgres.log"), options, runAs);
  // If this process dies of an uncaught error, the server still gets a fast shutdown.
  const onExit = () => signal(child.pid!, "SIGINT");
  process.on("exit", onExit);
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`;
  await ensureDatabase(url, options.database);
  return {
    url,
    port,
    async stop() {
      process.off("exit", onExit);
      await stopProcess(child.pid!);
      rmSync(ownerFile, { force: true });
    },
  };
}

/**
 * Earlier versions kept the embedded database in `DATA_DIR/pglite`. Starting an empty cluster
 * beside it would look, to its owner, like every account, key and credit was gone.
 */
function refuseEarlierPglite(dataDir: string, clusterDir: string): void {
  const pglite = join(dataDir, "pglite");
  if (!existsSync(pglite) || existsSync(join(clusterDir, "PG_VERSION"))) return;
  throw new Error(
    `${pglite} holds the database of an earlier version (PGlite), which this version does not read. ` +
      "To keep that data, export it with the earlier version and load it into a PostgreSQL given as DATABASE_URL; " +
      `to start with an empty database instead, move ${pglite} out of DATA_DIR.`,
  );
}

/** Generated once per data directory and kept beside the cluster, readable by this user only. */
function clusterPassword(dataDir: string): string {
  const file = join(dataDir, "postgres-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(24).toString("base64url");
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

async function startServerProcess(bin: Binaries, clusterDir: string, logFile: string, options: EmbeddedOptions, runAs: RunAs) {
  const fixedPort = options.port !== 0;
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ? options.port : await freePort();
    const settings = {
      listen_addresses: "127.0.0.1",
      // TCP only: the default socket directory may belong to the machine's own PostgreSQL.
      unix_socket_directories: "",
      ...options.settings,
    };
    const args = ["-D", clusterDir, "-p", String(port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
    // Appended, so a restart after a crash keeps the lines that explain it.
    const log = openSync(logFile, "a");
    // Detached: a Ctrl-C meant for the server must not reach PostgreSQL before the server has
    // finished its shutdown (running jobs still write their results).
    const child = spawn(bin.postgres, args, { ...runAs, cwd: clusterDir, detached: true, stdio: ["ignore", log, log] });
    closeSync(log);
    child.unref();
    const outcome = await waitUntilReady(child, clusterDir);
    if (outcome === "ready") return { child, port };
    const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n");
    // Another program may take a free port between our look and PostgreSQL's bind: try another.
    if (!fixedPort && attempt < 3 && tail.includes("could not bind")) continue;
    throw new Error(`The embedded PostgreSQL did not start (see ${logFile}):\n${tail}`);
  }
}

/** PostgreSQL writes "ready" into its lock file once it accepts connections. */
async function waitUntilReady(child: ChildProcess, clusterDir: string): Promise<"ready" | "exited"> {
  let exited = false;
  child.once("exit", () => (exited = true));
  const pidFile = join(clusterDir, "postmaster.pid");
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) return "exited";
    const lines = existsSync(pidFile) ? readFileSync(pidFile, "utf8").split("\n") : [];
    if (Number(lines[0]) === child.pid && lines[7]?.trim() === "ready") return "ready";
    await Bun.sleep(20);
  }
  signal(child.pid!, "SIGQUIT");
  throw new Error(`The embedded PostgreSQL did not become ready within ${READY_TIMEOUT_MS / 1000} s.`);
}

/** After a crash (kill -9 of the server) its PostgreSQL keeps running and holds the data directory. */
async function stopLeftoverServer(clusterDir: string, ownerFile: string, dataDir: string) {
  const pidFile = join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  // A lock file whose process is gone is stale: PostgreSQL removes it itself.
  if (!isPostmasterOf(pid, clusterDir)) return;
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, "utf8")) : 0;
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new Error(
      `Another AzScraper server (process ${owner}) is running on the embedded database in ${dataDir}. Stop it, or give this one its own DATA_DIR.`,
    );
  }
  await stopProcess(pid);
}

/** A fast shutdown (open transactions roll back, committed data stays), then waits for the exit. */
async function stopProcess(pid: number) {
  signal(pid, "SIGINT");
  for (let waited = 0; isAlive(pid); waited += 20) {
    // A fast shutdown normally takes well under a second; past 20 s, skip the checkpoint.
    if (waited === 20_000) signal(pid, "SIGQUIT");
    await Bun.sleep(20);
  }
}

/** On Linux, checks the command line too, so a reused pid never gets our signal. */
function isPostmasterOf(pid: number, clusterDir: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync("/proc/self")) return true;
  try {
    return readFileSync(cmdline, "utf8").split("\0").includes(clusterDir);
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function ensureDatabase(url: string, name: string) {
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
  try {
    const [found] = await sql`select 1 from pg_database where datname = ${name}`;
    // The name is ours (a constant or a generated one), never user input.
    if (!found) await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
