import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { throwawayPostgres } from "../test/helpers/database";
import { type StartedServer, startServer } from "../test/helpers/server";
import { createKeyVia, seedUser } from "../test/reliability/processes";
import { median, rssMiB } from "./report";
import { type LoadResult, runWrk } from "./wrk";

export type EmbeddedRow = LoadResult & {
  case: string;
  /** The API server process (bun). */
  serverRssMiB: number;
  /** The embedded PostgreSQL's processes, proportional set size (shared memory counted once); 0 if none. */
  postgresPssMiB: number;
};

const SERVER_ENV = { WORKER: "off", LOG_REQUESTS: "false", AUTH_CACHE_SIZE: "10000" };
/** The two cases, by the name each row carries in its `case` column. */
const POSTGRES = "PostgreSQL at 127.0.0.1:5432";
const EMBEDDED = "embedded PostgreSQL (default)";

/**
 * The embedded default (no DATABASE_URL) against the machine's PostgreSQL: the key-authenticated
 * `GET /projects/{id}` on a server process for each, seeded through the API, measured in
 * interleaved rounds (medians) so a neighbour's load hits both alike. Returns a row per case and
 * the two figures with targets: `ratio` (embedded req/s over PostgreSQL's) ≥ 0.5 and
 * `embeddedServerRssMiB` ≤ 250.
 */
export async function benchEmbedded(adminUrl: string, seconds: number, rounds: number, connections: number) {
  const throwaway = await throwawayPostgres(adminUrl);
  const servers: { label: string; server: StartedServer; url?: string; key?: string }[] = [];
  try {
    servers.push({
      label: POSTGRES,
      server: await startServer({ ...SERVER_ENV, DATABASE_URL: throwaway.url }, { entry: "bench/server.ts" }),
    });
    servers.push({
      label: EMBEDDED,
      server: await startServer({ ...SERVER_ENV, DATABASE_URL: "" }, { entry: "bench/server.ts" }),
    });
    for (const s of servers) {
      const user = await seedUser(s.server.baseUrl, "bench");
      s.key = (await createKeyVia(s.server.baseUrl, user)).key;
      s.url = `${s.server.baseUrl}/projects/${user.projectId}`;
    }
    const spec = (s: (typeof servers)[number]) => ({ url: s.url!, headers: { authorization: `Bearer ${s.key}` }, connections });
    for (const s of servers) await runWrk({ ...spec(s), seconds: 2 }); // warm-up
    const results = new Map<string, LoadResult[]>(servers.map((s) => [s.label, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const s of round % 2 ? servers : [...servers].reverse()) {
        const r = await runWrk({ ...spec(s), seconds });
        results.get(s.label)!.push(r);
        console.log(
          `embedded bench, round ${round}  ${s.label.padEnd(32)} ${r.rps.toFixed(0).padStart(6)} req/s  p99 ${r.p99Ms.toFixed(2)} ms  errors ${r.errors}`,
        );
      }
    }
    const rows: EmbeddedRow[] = servers.map((s) => {
      const rs = results.get(s.label)!;
      return {
        case: s.label,
        rps: median(rs.map((r) => r.rps)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        requests: rs.reduce((n, r) => n + r.requests, 0),
        errors: rs.reduce((n, r) => n + r.errors, 0),
        serverRssMiB: rssMiB(s.server.proc.pid),
        postgresPssMiB: postgresPssMiB(s.server.dataDir),
      };
    });
    const byCase = (label: string) => rows.find((r) => r.case === label)!;
    return { rows, ratio: byCase(EMBEDDED).rps / byCase(POSTGRES).rps, embeddedServerRssMiB: byCase(EMBEDDED).serverRssMiB };
  } finally {
    await Promise.all(servers.map((s) => s.server.stop()));
    await throwaway.drop();
  }
}

/** The postmaster of the cluster in `dataDir` and its children (Linux /proc). */
function postgresPssMiB(dataDir: string): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, "postgres/postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return 0;
  }
  let kib = 0;
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      if (pid !== postmaster && ppid !== postmaster) continue;
      kib += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))![1]);
    } catch {
      // The process ended while we looked.
    }
  }
  return Math.round(kib / 1024);
}

if (import.meta.main) {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const { rows, ratio, embeddedServerRssMiB } = await benchEmbedded(
    adminUrl,
    Number(process.env.BENCH_SECONDS ?? 5),
    Number(process.env.BENCH_ROUNDS ?? 5),
    50,
  );
  console.log(
    "| database | key-authenticated GET /projects/{id}, req/s | p50 ms | p99 ms | errors | server RSS MiB | embedded PostgreSQL PSS MiB |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows)
    console.log(
      `| ${r.case} | ${r.rps.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${r.serverRssMiB} | ${r.postgresPssMiB || "–"} |`,
    );
  console.log(`embedded / PostgreSQL: ${ratio.toFixed(2)} (target ≥ 0.5); server RSS ${embeddedServerRssMiB} MiB (target ≤ 250)`);
}
