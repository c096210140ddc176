/**
 * `bun run bench`: the cost of a key or token check on GET /projects/{id}, on PostgreSQL.
 * Starts the server as its own process on a throwaway database, drives it with wrk from another,
 * prints a table and writes bench/results.json. Needs wrk (Debian: apt-get install -y wrk).
 * BENCH_SECONDS (default 8) per measurement; BENCH_DATABASE_URL or TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test) names the server to create the database on.
 */
import { cpus, totalmem, type as osType, release } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createAccessTokens } from "../src/auth/access-tokens";
import { TEST_JWT_SECRET } from "../test/helpers/harness";
import { startServer, type ServerProcess } from "../test/reliability/processes";
import { benchDatabase, fillKeys, seedProject } from "./seed";
import { measureTimingGap } from "./timing";
import { rotatingTokensScript, runWrk, type LoadResult, type LoadSpec } from "./wrk";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;
const PORT = 4350;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

if (!Bun.which("wrk")) {
  console.error("bench needs wrk: apt-get update && apt-get install -y wrk");
  process.exit(1);
}

type Row = LoadResult & { case: string; keysInDb: number; cache: boolean; rssMiB: number };
const rows: Row[] = [];
const db = await benchDatabase(ADMIN_URL);
const seed = await seedProject(db.sql, 1000);
const jwt = await createAccessTokens(TEST_JWT_SECRET, 3600).issue(seed.userId);
const rotating1k = rotatingTokensScript(join(import.meta.dir, ".keys.lua"), seed.keys);
const projectUrl = (server: ServerProcess) => `${server.base}/projects/${seed.projectId}`;

const rssMiB = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024);

async function withServer(cache: boolean, run: (server: ServerProcess) => Promise<void>) {
  const server = await startServer(PORT, {
    DATABASE_URL: db.url,
    BENCH_PUBLIC_TWIN: "true",
    AUTH_CACHE_SIZE: cache ? "10000" : "0",
  });
  try {
    await run(server);
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
}

async function measure(server: ServerProcess, label: string, cache: boolean, keysInDb: number, spec: Omit<LoadSpec, "seconds" | "connections">) {
  await runWrk({ ...spec, seconds: 2, connections: CONNECTIONS }); // warm-up: JIT, pools, caches
  const result = await runWrk({ ...spec, seconds: SECONDS, connections: CONNECTIONS });
  const row = { case: label, keysInDb, cache, ...result, rssMiB: rssMiB(server.proc.pid) };
  rows.push(row);
  console.log(`${label.padEnd(34)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  errors ${result.errors}  rss ${row.rssMiB} MiB`);
}

let timing: Awaited<ReturnType<typeof measureTimingGap>> | undefined;
try {
  await withServer(true, async (server) => {
    await measure(server, "no auth (public twin)", true, 1000, {
      url: `${server.base}/bench/projects/${seed.projectId}`,
      headers: { "x-bench-user": seed.userId },
    });
    await measure(server, "JWT (cached verification)", true, 1000, { url: projectUrl(server), headers: { authorization: `Bearer ${jwt}` } });
    await measure(server, "API key, cached", true, 1000, { url: projectUrl(server), headers: { authorization: `Bearer ${seed.keys[0]}` } });
    await measure(server, "1,000 keys round robin, cached", true, 1000, { url: projectUrl(server), script: rotating1k });
    timing = await measureTimingGap(projectUrl(server), seed.keys[0]!);
  });
  await withServer(false, async (server) => {
    await measure(server, "JWT, cache off", false, 1000, { url: projectUrl(server), headers: { authorization: `Bearer ${jwt}` } });
    await measure(server, "API key, cache off", false, 1000, { url: projectUrl(server), headers: { authorization: `Bearer ${seed.keys[0]}` } });
    await measure(server, "1,000 keys round robin, cache off", false, 1000, { url: projectUrl(server), script: rotating1k });
  });
  const total = await fillKeys(db.sql, seed, 1_000_000);
  console.log(`filled api_keys to ${total} rows`);
  await withServer(true, (server) => measure(server, "1,000 of 1M keys, cached", true, total, { url: projectUrl(server), script: rotating1k }));
  await withServer(false, (server) => measure(server, "1,000 of 1M keys, cache off", false, total, { url: projectUrl(server), script: rotating1k }));
} finally {
  await db.drop();
}

const rps = (label: string) => rows.find((r) => r.case === label)!.rps;
const ratios = {
  keyCachedOverNoAuth: rps("API key, cached") / rps("no auth (public twin)"),
  jwtOverNoAuth: rps("JWT (cached verification)") / rps("no auth (public twin)"),
  keyCacheOffOverNoAuth: rps("API key, cache off") / rps("no auth (public twin)"),
  oneMillionOverOneThousandCached: rps("1,000 of 1M keys, cached") / rps("1,000 keys round robin, cached"),
  oneMillionOverOneThousandCacheOff: rps("1,000 of 1M keys, cache off") / rps("1,000 keys round robin, cache off"),
};
const targets = {
  "key/no-auth ≥ 0.85": ratios.keyCachedOverNoAuth >= 0.85,
  "JWT/no-auth ≥ 0.85": ratios.jwtOverNoAuth >= 0.85,
  "1M/1k keys ≥ 0.9 (cached)": ratios.oneMillionOverOneThousandCached >= 0.9,
  "unknown vs near-miss key: median gap < 50 µs": Math.abs(timing!.medianGapUs) < 50,
  "no errors in any run": rows.every((r) => r.errors === 0),
};
const pg = await Bun.$`psql ${ADMIN_URL} -Atc "show server_version"`.text().catch(() => "unknown");
const machine = {
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${osType()} ${release()}`,
  bun: Bun.version,
  postgres: pg.trim(),
  wrk: `1 thread, ${CONNECTIONS} connections, ${SECONDS} s per case after a 2 s warm-up`,
};

console.log("\n| case | keys in DB | req/s | p50 ms | p99 ms | RSS MiB |\n|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.case} | ${r.keysInDb.toLocaleString("en")} | ${r.rps.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.rssMiB} |`);
console.log("\n| ratio | value |\n|---|---|");
for (const [k, v] of Object.entries(ratios)) console.log(`| ${k} | ${v.toFixed(3)} |`);
console.log(`\ntiming (${timing!.pairs} sequential pairs): unknown key median ${timing!.unknownMedianUs.toFixed(1)} µs, near-miss key median ${timing!.lookalikeMedianUs.toFixed(1)} µs, gap ${timing!.medianGapUs.toFixed(1)} µs`);
for (const [k, ok] of Object.entries(targets)) console.log(`${ok ? "met    " : "MISSED "} ${k}`);
console.log(`\nmachine: ${JSON.stringify(machine)}`);

writeFileSync(join(import.meta.dir, "results.json"), JSON.stringify({ at: new Date().toISOString(), machine, rows, ratios, timing, targets }, null, 2) + "\n");
process.exit(Object.values(targets).every(Boolean) ? 0 : 1);
