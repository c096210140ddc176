import { systemClock } from "./clock";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/open";
import { createApp } from "./app";
import { createDeps } from "./deps";
import { MAX_BODY_BYTES } from "./http/json-body";
import { jsonLogger } from "./http/logger";
import { Worker } from "./jobs/worker";

const logger = jsonLogger();
let config;
try {
  config = loadConfig(process.env, (message) => logger.info({ event: "config_warning", message }));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  logger.error({ event: "config_error", message: error.message });
  process.exit(1);
}

const database = await openDatabase(config);
const deps = await createDeps(database, config, systemClock, logger);
deps.keyUsage.start();
const app = createApp(deps);
// Test-only, for `bun run bench`: refused in production by config.ts, and never part of the contract.
if (config.benchPublicTwin) app.use((await import("../bench/public-twin")).publicTwin(deps));

const worker = config.workerEnabled ? new Worker({ db: database.db, clock: systemClock, config, logger }) : undefined;
worker?.start();

// Bun refuses bodies beyond this outright; the app answers 413 with the envelope well below it.
app.listen({ port: config.port, maxRequestBodySize: MAX_BODY_BYTES * 4 });
logger.info({ event: "listening", port: app.server?.port, database: database.kind, worker: worker ? config.workerConcurrency : "off" });

async function shutdown(signal: string) {
  logger.info({ event: "shutting_down", signal });
  await app.stop();
  // Running jobs get SHUTDOWN_GRACE_MS to finish; the rest go back to the queue for another process.
  await worker?.stop().catch(() => {});
  await deps.keyUsage.stop().catch(() => {});
  await deps.invalidation.stop();
  await database.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
