import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StartedServer, startServer } from "../test/helpers/server";
import { call, createKeyVia, seedUser } from "../test/reliability/processes";
import { rssMiB } from "./report";
import { type LoadResult, runWrk } from "./wrk";

export type PgliteRow = LoadResult & { case: string; rssMiB: number };

/**
 * The same route on the embedded database (one process owns its data directory, so the cache-off
 * server runs after the cache-on one, on the same data). Seeded through the API.
 */
export async function benchPglite(seconds: number, rounds: number, connections: number): Promise<PgliteRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "azs-bench-pglite-"));
  const rows: PgliteRow[] = [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  let seeded: { user: Awaited<ReturnType<typeof seedUser>>; key: string } | undefined;
  const measure = async (server: StartedServer, label: string, url: string, headers: Record<string, string>) => {
    await runWrk({ url, headers, seconds: 2, connections });
    const rs: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) rs.push(await runWrk({ url, headers, seconds, connections }));
    const row = {
      case: label,
      rps: median(rs.map((r) => r.rps)),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      requests: rs.reduce((n, r) => n + r.requests, 0),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      rssMiB: rssMiB(server.proc.pid),
    };
    rows.push(row);
    console.log(
      `PGlite  ${label.padEnd(30)} ${row.rps.toFixed(0).padStart(6)} req/s  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  errors ${row.errors}`,
    );
  };
  try {
    for (const cache of [true, false]) {
      const server = await startServer(
        { DATA_DIR: dataDir, DATABASE_URL: "", WORKER: "off", LOG_REQUESTS: "false", AUTH_CACHE_SIZE: cache ? "10000" : "0" },
        { entry: "bench/server.ts" },
      );
      try {
        if (!seeded) {
          const user = await seedUser(server.baseUrl, "bench");
          seeded = { user, key: (await createKeyVia(server.baseUrl, user)).key };
        }
        const { user, key } = seeded;
        const url = `${server.baseUrl}/projects/${user.projectId}`;
        if (cache) {
          await measure(server, "no auth (public twin)", `${server.baseUrl}/bench/projects/${user.projectId}`, {
            "x-bench-user": user.userId,
          });
          await measure(server, "JWT, cache on", url, { authorization: `Bearer ${user.token}` });
          await measure(server, "API key, cache on", url, { authorization: `Bearer ${key}` });
        } else {
          // The token from the first server still works here: same secret, not expired.
          expect200(await call(server.baseUrl, "GET", `/projects/${user.projectId}`, { token: user.token }));
          await measure(server, "JWT, cache off", url, { authorization: `Bearer ${user.token}` });
          await measure(server, "API key, cache off", url, { authorization: `Bearer ${key}` });
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

function expect200(res: { status: number }) {
  if (res.status !== 200) throw new Error(`PGlite bench: expected 200 from the restarted server, got ${res.status}`);
}
