/**
 * `bun run bench:jobs`: the routes scraping runs on, against the machine's own references, on
 * PostgreSQL. Every ratio compares two numbers of the same run (interleaved rounds, medians), so
 * a neighbour's load on a shared machine hits both sides alike. Prints each ratio beside its
 * target and writes bench/results-jobs.json. Needs wrk (Debian: apt-get install -y wrk).
 * BENCH_SECONDS (default 5) per case and round, BENCH_ROUNDS (default 3), BENCH_E2E_JOBS (2000);
 * BENCH_WORKER_SWEEP="8,16,32" also times the end-to-end run at each WORKER_CONCURRENCY.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { type StartedServer, startServer } from "../test/helpers/server";
import { perRequest } from "./cpu";
import { fetchExtractLoop, finished, grantCredits, postScript } from "./jobs-load";
import { machine, median, rssMiB } from "./report";
import { benchDatabase, seedProject } from "./seed";
import { type CpuCost, type LoadResult, type LoadSpec, runWrk } from "./wrk";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const E2E_JOBS = Number(process.env.BENCH_E2E_JOBS ?? 2000);
const E2E_WARMUP = 200;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const BATCH = 1000;

if (!Bun.which("wrk")) {
  console.error("bench:jobs needs wrk: apt-get update && apt-get install -y wrk");
  process.exit(1);
}

// Limits out of the way: this measures how fast submits go, not the limits that slow them on purpose.
const UNLIMITED = {
  RATE_LIMIT_KEY_PER_SECOND: "100000",
  RATE_LIMIT_KEY_BURST: "1000000",
  RATE_LIMIT_PROJECT_PER_SECOND: "100000",
  RATE_LIMIT_PROJECT_BURST: "1000000",
};
const databases: Awaited<ReturnType<typeof benchDatabase>>[] = [];
const servers: StartedServer[] = [];
const started = async (env: Record<string, string>, entry = "bench/server.ts") => {
  const server = await startServer({ DATABASE_URL: "", ...env }, { entry, keepOutput: false });
  servers.push(server);
  return server;
};
const database = async () => {
  const db = await benchDatabase(ADMIN_URL);
  databases.push(db);
  return db;
};

/**
 * A server with its worker on a fresh database, 2,000 jobs submitted in batches: jobs finished per
 * second. A first batch of E2E_WARMUP jobs runs untimed, as every other case has its warm-up: a
 * fresh process compiles its worker path (and spawns its extraction threads) during its first jobs.
 */
async function endToEnd(target: string, workerEnv: Record<string, string>) {
  const db = await database();
  const seed = await seedProject(db.sql, 1);
  await grantCredits(db.sql, seed.projectId, (E2E_WARMUP + E2E_JOBS) * 2);
  const server = await started({
    DATABASE_URL: db.url,
    LOG_REQUESTS: "false",
    ALLOW_PRIVATE_TARGETS: "true",
    ALLOWED_TARGET_PORTS: "*",
    ...UNLIMITED,
    ...workerEnv,
  });
  /** Submits `count` jobs in batches; answers the first job's id. */
  const submit = async (count: number, tag: string) => {
    let firstJobId = "";
    for (let sent = 0; sent < count; sent += BATCH) {
      const urls = Array.from({ length: Math.min(BATCH, count - sent) }, (_, i) => `${target}?${tag}=${sent + i}`);
      const res = await fetch(`${server.baseUrl}/projects/${seed.projectId}/jobs/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${seed.keys[0]}`, "content-type": "application/json" },
        body: JSON.stringify({ urls }),
      });
      if (res.status !== 202) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
      firstJobId ||= ((await res.json()) as { data: { jobs: { id: string }[] } }).data.jobs[0]!.id;
    }
    return firstJobId;
  };
  await submit(E2E_WARMUP, "warmup");
  await finished(db.sql, E2E_WARMUP);
  const t0 = performance.now();
  const firstJobId = await submit(E2E_JOBS, "n");
  const { failed } = await finished(db.sql, E2E_WARMUP + E2E_JOBS);
  const jobsPerSecond = E2E_JOBS / ((performance.now() - t0) / 1000);
  return { server, db, seed, jobsPerSecond, failed, firstJobId };
}

try {
  const page = await started({}, "bench/target-page.ts");
  const target = `${page.baseUrl.replace("localhost", "127.0.0.1")}/page`;
  const raw = await started({}, "bench/raw-hello.ts");
  const db = await database();
  const seed = await seedProject(db.sql, 1);
  await grantCredits(db.sql, seed.projectId, 100_000_000);
  const key = seed.keys[0]!;
  const env = { DATABASE_URL: db.url, WORKER: "off", ...UNLIMITED };
  const api = await started({ ...env, LOG_REQUESTS: "false" });
  const logged = await started({ ...env, LOG_REQUESTS: "true" });
  const logged2 = await started({ ...env, LOG_REQUESTS: "true", WEB_CONCURRENCY: "2" });
  const submitted = await fetch(`${api.baseUrl}/projects/${seed.projectId}/jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ url: "https://example.com/" }),
  });
  const jobId = ((await submitted.json()) as { data: { id: string } }).data.id;
  const bearer = { authorization: `Bearer ${key}` };
  const single = postScript(join(import.meta.dir, ".submit.lua"), key, { url: "https://example.com/" });
  const batch = postScript(join(import.meta.dir, ".batch.lua"), key, {
    urls: Array.from({ length: BATCH }, (_, i) => `https://example.com/item/${i}`),
  });

  type Case = { label: string; server: StartedServer; spec: Omit<LoadSpec, "seconds"> };
  const cases: Case[] = [
    { label: "raw Bun.serve hello", server: raw, spec: { url: `${raw.baseUrl}/`, connections: 50 } },
    { label: "GET /health (log line on)", server: logged, spec: { url: `${logged.baseUrl}/health`, connections: 50 } },
    { label: "GET /health, WEB_CONCURRENCY=2", server: logged2, spec: { url: `${logged2.baseUrl}/health`, connections: 50 } },
    {
      label: "GET /projects/{id}, key",
      server: api,
      spec: { url: `${api.baseUrl}/projects/${seed.projectId}`, headers: bearer, connections: 50 },
    },
    {
      label: "GET /projects/{id}/jobs/{jobId} (poll), key",
      server: api,
      spec: { url: `${api.baseUrl}/projects/${seed.projectId}/jobs/${jobId}`, headers: bearer, connections: 50 },
    },
    {
      label: "POST /jobs, 32 clients, one key",
      server: api,
      spec: { url: `${api.baseUrl}/projects/${seed.projectId}/jobs`, script: single, connections: 32 },
    },
    {
      label: "POST /jobs/batch (1,000 URLs), 8 clients",
      server: api,
      spec: { url: `${api.baseUrl}/projects/${seed.projectId}/jobs/batch`, script: batch, connections: 8 },
    },
  ];

  for (const c of cases) await runWrk({ ...c.spec, seconds: 2 }); // warm-up: JIT, pools, prepared statements
  const results = new Map<string, (LoadResult & { cpu?: CpuCost })[]>(cases.map((c) => [c.label, []]));
  const loops: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of round % 2 ? cases : [...cases].reverse()) {
      const r = await runWrk({ ...c.spec, seconds: SECONDS, serverPid: c.server.proc.pid });
      results.get(c.label)!.push(r);
      console.log(
        `round ${round}  ${c.label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}`,
      );
    }
    loops.push(await fetchExtractLoop(target, SECONDS));
    console.log(`round ${round}  one loop of fetch + extract                  ${loops.at(-1)!.toFixed(0).padStart(7)} pages/s`);
  }
  const rows = cases.map((c) => {
    const rs = results.get(c.label)!;
    return {
      case: c.label,
      rps: median(rs.map((r) => r.rps)),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      rssMiB: rssMiB(c.server.proc.pid),
      // CPU per request (user + system, µs): the server's processes, and wrk's own share of the machine.
      serverCpuUs: median(rs.map((r) => perRequest(r.cpu!.server, r.requests))),
      wrkCpuUs: median(rs.map((r) => perRequest(r.cpu!.wrk, r.requests))),
    };
  });
  const row = (label: string) => rows.find((r) => r.case === label)!;
  const rps = (label: string) => row(label).rps;
  for (const s of [api, logged, logged2]) await s.stop();

  // End to end, then the poll's p99 while a worker runs flat out on the same process.
  const loop = median(loops);
  const e2e = await endToEnd(target, {});
  console.log(`end to end: ${E2E_JOBS} jobs, ${e2e.jobsPerSecond.toFixed(0)} jobs/s, ${e2e.failed} failed`);
  await grantCredits(e2e.db.sql, e2e.seed.projectId, 4 * BATCH);
  const pollUnderLoad = runWrk({
    url: `${e2e.server.baseUrl}/projects/${e2e.seed.projectId}/jobs/${e2e.firstJobId}`,
    headers: { authorization: `Bearer ${e2e.seed.keys[0]}` },
    connections: 50,
    seconds: 3,
  });
  for (let i = 0; i < 4; i++) {
    await fetch(`${e2e.server.baseUrl}/projects/${e2e.seed.projectId}/jobs/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${e2e.seed.keys[0]}`, "content-type": "application/json" },
      body: JSON.stringify({ urls: Array.from({ length: BATCH }, (_, n) => `${target}?load=${i}-${n}`) }),
    });
  }
  const underLoad = await pollUnderLoad;
  console.log(`poll while the worker runs: p99 ${underLoad.p99Ms.toFixed(2)} ms (${underLoad.rps.toFixed(0)} req/s)`);
  await e2e.server.stop();

  const sweep: { workerConcurrency: number; jobsPerSecond: number }[] = [];
  for (const n of (process.env.BENCH_WORKER_SWEEP ?? "").split(",").filter(Boolean).map(Number)) {
    const run = await endToEnd(target, { WORKER_CONCURRENCY: String(n) });
    sweep.push({ workerConcurrency: n, jobsPerSecond: run.jobsPerSecond });
    console.log(`WORKER_CONCURRENCY=${n}: ${run.jobsPerSecond.toFixed(0)} jobs/s`);
    await run.server.stop();
  }

  const keyGet = rps("GET /projects/{id}, key");
  const ratios = [
    { ratio: "single submits / key GET", value: rps("POST /jobs, 32 clients, one key") / keyGet, target: 0.15 },
    {
      ratio: "batch URLs accepted per s / key GET",
      value: (rps("POST /jobs/batch (1,000 URLs), 8 clients") * BATCH) / keyGet,
      target: 1.0,
    },
    { ratio: "end to end jobs/s / fetch+extract loop", value: e2e.jobsPerSecond / loop, target: 0.75 },
    { ratio: "poll / key GET", value: rps("GET /projects/{id}/jobs/{jobId} (poll), key") / keyGet, target: 0.8 },
    { ratio: "/health / raw Bun.serve", value: rps("GET /health (log line on)") / rps("raw Bun.serve hello"), target: 0.7 },
    {
      ratio: "/health WEB_CONCURRENCY=2 / one process",
      value: rps("GET /health, WEB_CONCURRENCY=2") / rps("GET /health (log line on)"),
      target: 1.2,
    },
  ].map((r) => ({ ...r, met: r.value >= r.target }));

  /*
   * What two processes can give on this machine at most: wrk, the two servers and the kernel's
   * loopback work share its cores, so no server can answer faster than cores / (server + wrk CPU
   * per request). Against one process, that ceiling says whether the 1.2× target fits here at all.
   * An upper bound: it leaves out this process (it drains the servers' logs), and counts the cores
   * the OS reports, not a cgroup's quota.
   */
  const two = row("GET /health, WEB_CONCURRENCY=2");
  const twoProcessCeiling = cpus().length / ((two.serverCpuUs + two.wrkCpuUs) / 1e6);
  const ceilingRatio = twoProcessCeiling / rps("GET /health (log line on)");
  console.log(
    "\n| case | req/s | p50 ms | p99 ms | errors | server RSS MiB | server CPU µs/req | wrk CPU µs/req |\n|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of rows)
    console.log(
      `| ${r.case} | ${r.rps.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${r.rssMiB} | ${r.serverCpuUs.toFixed(1)} | ${r.wrkCpuUs.toFixed(1)} |`,
    );
  console.log(`| one loop of fetch + extract (pages/s) | ${loop.toFixed(0)} | | | | | | |`);
  console.log(`| end to end, ${E2E_JOBS} jobs (jobs/s) | ${e2e.jobsPerSecond.toFixed(0)} | | | ${e2e.failed} failed | | | |`);
  console.log(
    `| poll while the worker runs | ${underLoad.rps.toFixed(0)} | ${underLoad.p50Ms.toFixed(2)} | ${underLoad.p99Ms.toFixed(2)} | ${underLoad.errors} | | | |`,
  );
  console.log("\n| ratio | measured | target | |\n|---|---:|---:|---|");
  for (const r of ratios) console.log(`| ${r.ratio} | ${r.value.toFixed(3)} | ≥ ${r.target} | ${r.met ? "met" : "MISSED"} |`);
  console.log(
    `\nTwo processes' ceiling on ${cpus().length} cores: ${twoProcessCeiling.toFixed(0)} req/s ` +
      `(${(two.serverCpuUs + two.wrkCpuUs).toFixed(1)} µs of CPU per request, server and wrk), ${ceilingRatio.toFixed(3)}× one process.`,
  );
  const about = await machine(
    ADMIN_URL,
    `wrk 1 thread; ${ROUNDS} interleaved rounds × ${SECONDS} s per case (medians), after a 2 s warm-up`,
  );
  console.log(`\nmachine: ${JSON.stringify(about)}`);
  writeFileSync(
    join(import.meta.dir, "results-jobs.json"),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: about,
        rows,
        fetchExtractLoop: loop,
        endToEnd: { jobs: E2E_JOBS, jobsPerSecond: e2e.jobsPerSecond, failed: e2e.failed },
        pollUnderWorkerLoad: underLoad,
        workerSweep: sweep,
        ratios,
        twoProcessCeiling: { rps: twoProcessCeiling, ratioToOneProcess: ceilingRatio },
      },
      null,
      2,
    )}\n`,
  );
  process.exitCode = ratios.every((r) => r.met) ? 0 : 1;
} finally {
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
  for (const db of databases) await db.drop().catch(() => {});
}
