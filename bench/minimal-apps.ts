/**
 * `bun bench/minimal-apps.ts`: how fast `GET /health` can be with Elysia on this machine, before
 * any of our code. Minimal apps, each answering `{"status":"ok"}`, built up step by step to what
 * every request of ours must carry (the `nosniff` and `X-Request-Id` headers, an after-response
 * hook, the JSON log line through our logger), measured against raw `Bun.serve` in interleaved
 * rounds (medians). Each app is its own process, started and drained like the servers of
 * `bench:jobs`. BENCH_SECONDS (default 4) per app and round, BENCH_ROUNDS (default 3).
 */
import { Elysia } from "elysia";
import { jsonLogger } from "../src/http/logger";
import { type StartedServer, startServer } from "../test/helpers/server";
import { median } from "./report";
import { runWrk } from "./wrk";

const APPS = {
  raw: "raw Bun.serve",
  elysia: "Elysia, one route, no hooks",
  headers: "+ nosniff and X-Request-Id set in onRequest",
  hooks: "+ an onAfterResponse hook",
  logged: "+ the JSON log line written in that hook (our logger)",
} as const;
type App = keyof typeof APPS;

/** One app, listening on a free port; it prints the port as our server does, for startServer. */
function serve(app: App): number {
  const body = { status: "ok" };
  if (app === "raw") return Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json(body) }).port!;
  const logger = jsonLogger();
  const started = new WeakMap<Request, { id: string; at: number }>();
  let counter = 0;
  let elysia = new Elysia();
  if (app !== "elysia") {
    elysia = elysia.onRequest(({ request, set }) => {
      const id = `req_${(counter++).toString(16)}`;
      started.set(request, { id, at: performance.now() });
      set.headers["x-content-type-options"] = "nosniff";
      set.headers["x-request-id"] = id;
    });
  }
  if (app === "hooks" || app === "logged") {
    elysia = elysia.onAfterResponse(({ request, set }) => {
      const state = started.get(request)!;
      if (app !== "logged") return;
      logger.info({
        method: request.method,
        path: "/health",
        status: typeof set.status === "number" ? set.status : 200,
        durationMs: Math.round((performance.now() - state.at) * 100) / 100,
        requestId: state.id,
        principalId: null,
      });
    });
  }
  const server = elysia.get("/health", () => body).listen({ port: 0, hostname: "127.0.0.1" });
  return server.server!.port!;
}

const variant = process.env.MINIMAL_APP as App | undefined;
if (variant) {
  console.log(JSON.stringify({ event: "listening", port: serve(variant) }));
} else {
  const seconds = Number(process.env.BENCH_SECONDS ?? 4);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const apps = Object.keys(APPS) as App[];
  const servers = new Map<App, StartedServer>();
  try {
    for (const app of apps) {
      servers.set(app, await startServer({ DATABASE_URL: "", MINIMAL_APP: app }, { entry: "bench/minimal-apps.ts", keepOutput: false }));
    }
    const url = (app: App) => `${servers.get(app)!.baseUrl.replace("localhost", "127.0.0.1")}/health`;
    for (const app of apps) await runWrk({ url: url(app), connections: 50, seconds: 2 }); // warm-up
    const rps = new Map<App, number[]>(apps.map((app) => [app, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const app of round % 2 ? apps : [...apps].reverse()) {
        rps.get(app)!.push((await runWrk({ url: url(app), connections: 50, seconds })).rps);
      }
    }
    const raw = median(rps.get("raw")!);
    console.log("| app | req/s | × raw Bun |\n|---|---:|---:|");
    for (const app of apps) {
      const r = median(rps.get(app)!);
      console.log(`| ${APPS[app]} | ${r.toFixed(0)} | ${(r / raw).toFixed(2)} |`);
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
}
