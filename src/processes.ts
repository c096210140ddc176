import type { Subprocess } from "bun";
import type { Config } from "./config";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./db/embedded-postgres";
import { migratePostgresUrl } from "./db/migrate";
import type { Logger } from "./http/logger";

/** The environment variable that tells a started process it is one of several on the port. */
const PROCESS_OF_MANY = "AZS_PROCESS_OF_MANY";

/** A free port on `host`, for processes that must all bind the same one when PORT=0. */
function freePort(host: string): number {
  const probe = Bun.serve({ hostname: host, port: 0, fetch: () => new Response(null) });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/**
 * `WEB_CONCURRENCY=N` (N > 1): this process only starts and watches N server processes, each
 * `bun src/index.ts` listening on the same port with SO_REUSEPORT, so the kernel spreads
 * connections over them. They share the database, where the rate limits, the queue and key
 * invalidation already work across processes. Without DATABASE_URL this process starts the
 * embedded PostgreSQL once and hands its address to all of them. The schema is migrated once, here,
 * before they start. A process that dies is started again; SIGTERM is passed on, and this one
 * exits when all have (stopping the embedded PostgreSQL last).
 */
export async function runProcesses(config: Config, logger: Logger): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  try {
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, database: "azscraper" });
      databaseUrl = embedded.url;
    }
    await migratePostgresUrl(databaseUrl);
  } catch (error) {
    await embedded?.stop();
    logger.error({ event: "database_unavailable", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  const port = config.port === 0 ? freePort(config.host) : config.port;
  const children = new Set<Subprocess>();
  let stopping = false;

  const spawn = () => {
    const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), WEB_CONCURRENCY: "1", [PROCESS_OF_MANY]: "true" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.add(child);
    void child.exited.then((code) => {
      children.delete(child);
      if (stopping) return;
      logger.error({ event: "server_process_exited", pid: child.pid, code, message: "A server process exited; starting another." });
      setTimeout(spawn, 1000);
    });
  };
  for (let i = 0; i < config.webConcurrency; i++) spawn();
  logger.info({ event: "server_processes_started", count: config.webConcurrency, port });

  const stop = async (signal: NodeJS.Signals) => {
    stopping = true;
    const exits = [...children].map((child) => child.exited);
    for (const child of children) child.kill(signal);
    await Promise.all(exits);
    await embedded?.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
