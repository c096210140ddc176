import { type App, createApp } from "./app";
import { systemClock } from "./clock";
import { type Config, ConfigError, loadConfig } from "./config";
import type { Database } from "./db/client";
import { openDatabase } from "./db/open";
import type { Deps } from "./deps";
import { jsonLogger, type Logger } from "./http/logger";
import { LARGEST_BODY_BYTES } from "./http/spec";
import { runProcesses } from "./processes";
import { createDeps } from "./wiring";

/** Settings that are fine for a LAN or a test but open a hole on a public server. */
function riskySettings(config: Config): string[] {
  const on: string[] = [];
  if (config.allowPrivateTargets) on.push("ALLOW_PRIVATE_TARGETS");
  if (config.allowedTargetPorts === "any") on.push("ALLOWED_TARGET_PORTS=*");
  return on;
}

/** Where the data lives, without a password: `DATABASE_URL` may carry one. */
function databaseLabel(config: Config, database: Database): string {
  if (database.kind === "embedded") return `embedded PostgreSQL in ${config.dataDir}`;
  const url = new URL(config.databaseUrl!);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** The one start-up line: where to point a browser, what data it serves, and what is risky. */
function logListening(logger: Logger, config: Config, database: Database, port: number | undefined, workers: number | "off") {
  const host = ["0.0.0.0", "::"].includes(config.host) ? "localhost" : config.host.includes(":") ? `[${config.host}]` : config.host;
  const api = `http://${host}:${port}`;
  const risky = riskySettings(config);
  logger.info({
    event: "listening",
    port,
    host: config.host,
    message: `AzScraper API on ${api} (docs ${api}/swagger, dashboard ${api}/); database: ${databaseLabel(config, database)}; worker: ${workers}${risky.length ? `; risky settings on: ${risky.join(", ")}` : ""}`,
    api,
    swagger: `${api}/swagger`,
    dashboard: `${api}/`,
    database: databaseLabel(config, database),
    worker: workers,
    riskySettings: risky,
  });
}

/**
 * Reads the configuration, opens and migrates the database, listens, and shuts down cleanly on
 * SIGTERM; with WEB_CONCURRENCY above 1, starts that many such processes on one port instead (processes.ts). `extend` mounts extra routes (the benchmark's entry point uses it); `src/index.ts` does not.
 */
export async function runServer(extend?: (app: App, deps: Deps) => void): Promise<void> {
  const logger = jsonLogger();
  let config: Config;
  try {
    config = loadConfig(process.env, (message) => logger.warn({ event: "config_warning", message }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error({ event: "config_error", message: error.message });
    process.exit(1);
  }

  if (config.webConcurrency > 1 && !config.reusePort) return runProcesses(config, logger);

  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    // A sentence for the operator (an unreachable DATABASE_URL, a DATA_DIR in use), not a stack trace.
    logger.error({ event: "database_unavailable", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  const deps = await createDeps(database, config, systemClock, logger);
  deps.keyUsage.start();
  deps.worker?.start();
  deps.webhooks?.start();
  deps.housekeeping.start();
  const app = createApp(deps);
  extend?.(app, deps);

  // Bun refuses bodies beyond this outright; the app answers 413 with the envelope well below it.
  app.listen({ hostname: config.host, port: config.port, maxRequestBodySize: LARGEST_BODY_BYTES * 2, reusePort: config.reusePort });
  logListening(logger, config, database, app.server?.port, deps.worker ? config.workerConcurrency : "off");

  async function shutdown(signal: string) {
    logger.info({ event: "shutting_down", signal });
    await app.stop();
    // Running jobs get SHUTDOWN_GRACE_MS to finish; the rest go back to the queue for another process.
    await deps.worker?.stop().catch(() => {});
    // Attempts under way finish (each within WEBHOOK_TIMEOUT_MS); the rest wait in the database.
    await deps.webhooks?.stop().catch(() => {});
    await deps.keyUsage.stop().catch(() => {});
    await deps.housekeeping.stop();
    await deps.invalidation.stop();
    await deps.jobEvents.stop();
    await database.close();
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
