/**
 * `bun run bench`: the cost of a key or token check on GET /projects/{id}, on PostgreSQL.
 * Starts the server as separate processes on throwaway databases (1,000 keys; 1,000,000 keys),
 * drives them with wrk from another process, prints a table and writes bench/results.json.
 * Cases are measured in interleaved rounds and reported as medians, so a neighbour's load on a
 * shared machine hits every case alike. Needs wrk (Debian: apt-get install -y wrk).
 * BENCH_SECONDS (default 5) per case and round, BENCH_ROUNDS (default 5); BENCH_DATABASE_URL or
 * TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server to use.
 * BENCH_EMBEDDED=false skips the embedded default's rows (bench/embedded.ts; `bun bench/embedded.ts` runs them alone).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createAccessTokens } from "../src/auth/access-tokens";
import { TEST_JWT_SECRET } from "../test/helpers/harness";
import { type StartedServer, startServer } from "../test/helpers/server";
import { measureAuthCost } from "./auth-cost";
import { benchEmbedded } from "./embedded";
import { machine, median, printReport, rssMiB } from "./report";
import { benchDatabase, fillKeys, seedProject } from "./seed";
import { measureTimingGap } from "./timing";
import { type LoadResult, type LoadSpec, rotatingTokensScript, runWrk } from "./wrk";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 50;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

if (!Bun.which("wrk")) {
  console.error("bench needs wrk: apt-get update && apt-get install -y wrk");
  process.exit(1);
}

const small = await benchDatabase(ADMIN_URL);
const large = await benchDatabase(ADMIN_URL);
const servers: StartedServer[] = [];
try {
  console.log("seeding: 1,000 keys in one database, 1,000,000 in the other…");
  const seedSmall = await seedProject(small.sql, 1000);
  const seedLarge = await seedProject(large.sql, 1000);
  const largeCount = await fillKeys(large.sql, seedLarge, 1_000_000);
  // KEY_FAILURE_BURST: the timing measurement sends thousands of wrong keys, which must reach the database.
  const start = (url: string, cache: boolean) =>
    startServer(
      { DATABASE_URL: url, WORKER: "off", LOG_REQUESTS: "false", AUTH_CACHE_SIZE: cache ? "10000" : "0", KEY_FAILURE_BURST: "1000000000" },
      { entry: "bench/server.ts" },
    ).then((s) => {
      servers.push(s);
      return s;
    });
  const [smallOn, largeOn, smallOff, largeOff] = [
    await start(small.url, true),
    await start(large.url, true),
    await start(small.url, false),
    await start(large.url, false),
  ];
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const jwt = await createAccessTokens(TEST_JWT_SECRET, 3600).issue(seedSmall.userId);
  const rotSmall = rotatingTokensScript(join(import.meta.dir, ".keys-small.lua"), seedSmall.keys);
  const rotLarge = rotatingTokensScript(join(import.meta.dir, ".keys-large.lua"), seedLarge.keys);
  const project = (s: StartedServer, id: string) => `${s.baseUrl}/projects/${id}`;

  type Case = { label: string; server: StartedServer; keysInDb: number; cache: boolean; spec: Omit<LoadSpec, "seconds" | "connections"> };
  const cases: Case[] = [
    {
      label: "no auth (public twin)",
      server: smallOn,
      keysInDb: 1000,
      cache: true,
      spec: { url: `${smallOn.baseUrl}/bench/projects/${seedSmall.projectId}`, headers: { "x-bench-user": seedSmall.userId } },
    },
    {
      label: "JWT, cache on",
      server: smallOn,
      keysInDb: 1000,
      cache: true,
      spec: { url: project(smallOn, seedSmall.projectId), headers: bearer(jwt) },
    },
    {
      label: "API key, cache on",
      server: smallOn,
      keysInDb: 1000,
      cache: true,
      spec: { url: project(smallOn, seedSmall.projectId), headers: bearer(seedSmall.keys[0]!) },
    },
    {
      label: "1,000 keys round robin, cache on",
      server: smallOn,
      keysInDb: 1000,
      cache: true,
      spec: { url: project(smallOn, seedSmall.projectId), script: rotSmall },
    },
    {
      label: "1,000 of 1M keys round robin, cache on",
      server: largeOn,
      keysInDb: largeCount,
      cache: true,
      spec: { url: project(largeOn, seedLarge.projectId), script: rotLarge },
    },
    {
      label: "JWT, cache off",
      server: smallOff,
      keysInDb: 1000,
      cache: false,
      spec: { url: project(smallOff, seedSmall.projectId), headers: bearer(jwt) },
    },
    {
      label: "API key, cache off",
      server: smallOff,
      keysInDb: 1000,
      cache: false,
      spec: { url: project(smallOff, seedSmall.projectId), headers: bearer(seedSmall.keys[0]!) },
    },
    {
      label: "1,000 keys round robin, cache off",
      server: smallOff,
      keysInDb: 1000,
      cache: false,
      spec: { url: project(smallOff, seedSmall.projectId), script: rotSmall },
    },
    {
      label: "1,000 of 1M keys round robin, cache off",
      server: largeOff,
      keysInDb: largeCount,
      cache: false,
      spec: { url: project(largeOff, seedLarge.projectId), script: rotLarge },
    },
  ];

  for (const c of cases) await runWrk({ ...c.spec, seconds: 2, connections: CONNECTIONS }); // warm-up: JIT, pools, caches
  const results = new Map<string, LoadResult[]>(cases.map((c) => [c.label, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Every other round runs backwards, so no case always follows the same neighbour.
    for (const c of round % 2 ? cases : [...cases].reverse()) {
      const r = await runWrk({ ...c.spec, seconds: SECONDS, connections: CONNECTIONS });
      results.get(c.label)!.push(r);
      console.log(
        `round ${round}  ${c.label.padEnd(40)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}`,
      );
    }
  }
  const rows = cases.map((c) => {
    const rs = results.get(c.label)!;
    return {
      case: c.label,
      keysInDb: c.keysInDb,
      cache: c.cache,
      rps: median(rs.map((r) => r.rps)),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      requests: rs.reduce((n, r) => n + r.requests, 0),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      rssMiB: rssMiB(c.server.proc.pid),
    };
  });
  const timing = await measureTimingGap(project(smallOn, seedSmall.projectId), seedSmall.keys[0]!);
  const authCostUs = await measureAuthCost(small.url, seedSmall.keys, seedSmall.userId);
  const embedded = process.env.BENCH_EMBEDDED === "false" ? undefined : await benchEmbedded(ADMIN_URL, SECONDS, 3, CONNECTIONS);

  const rps = (label: string) => rows.find((r) => r.case === label)!.rps;
  const ratios = {
    "API key (cache on) / no auth": rps("API key, cache on") / rps("no auth (public twin)"),
    "JWT (cache on) / no auth": rps("JWT, cache on") / rps("no auth (public twin)"),
    "API key (cache off) / no auth": rps("API key, cache off") / rps("no auth (public twin)"),
    "JWT (cache off) / no auth": rps("JWT, cache off") / rps("no auth (public twin)"),
    "1M keys / 1k keys (cache on)": rps("1,000 of 1M keys round robin, cache on") / rps("1,000 keys round robin, cache on"),
    "1M keys / 1k keys (cache off)": rps("1,000 of 1M keys round robin, cache off") / rps("1,000 keys round robin, cache off"),
  };
  const targets = {
    "API key (cache on) / no auth ≥ 0.85": ratios["API key (cache on) / no auth"] >= 0.85,
    "JWT (cache on) / no auth ≥ 0.85": ratios["JWT (cache on) / no auth"] >= 0.85,
    "1M keys / 1k keys (cache on) ≥ 0.9": ratios["1M keys / 1k keys (cache on)"] >= 0.9,
    "unknown key vs near-miss key: median gap < 50 µs": Math.abs(timing.medianGapUs) < 50,
    "no errors in any run": rows.every((r) => r.errors === 0),
    ...(embedded && {
      "embedded default / PostgreSQL (API key GET) ≥ 0.5": embedded.ratio >= 0.5,
      "embedded default: server RSS ≤ 250 MiB": embedded.embeddedServerRssMiB <= 250,
    }),
  };
  const about = await machine(
    ADMIN_URL,
    `wrk 1 thread × ${CONNECTIONS} connections; ${ROUNDS} interleaved rounds × ${SECONDS} s per case (medians), after a 2 s warm-up`,
  );
  printReport(rows, ratios, timing, authCostUs, targets, about);
  if (embedded) {
    console.log(
      "\nThe embedded default against PostgreSQL (API key GET, 3 interleaved rounds, medians):\n| database | req/s | p50 ms | p99 ms | errors | server RSS MiB | embedded PostgreSQL PSS MiB |\n|---|---:|---:|---:|---:|---:|---:|",
    );
    for (const r of embedded.rows)
      console.log(
        `| ${r.case} | ${r.rps.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${r.serverRssMiB} | ${r.postgresPssMiB || "–"} |`,
      );
  }
  writeFileSync(
    join(import.meta.dir, "results.json"),
    `${JSON.stringify({ at: new Date().toISOString(), machine: about, rows, ratios, timing, authCostUs, targets, embedded }, null, 2)}\n`,
  );
  process.exitCode = Object.values(targets).every(Boolean) ? 0 : 1;
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await small.drop();
  await large.drop();
}
