import type { Config } from "../config";
import { type Database, openPostgres } from "./client";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migratePostgresUrl } from "./migrate";

/**
 * Opens the configured database and brings its schema up to date: the PostgreSQL at DATABASE_URL,
 * or, without one, the embedded PostgreSQL in `dataDir`, which `close()` stops.
 */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir" | "embeddedPostgresPort">): Promise<Database> {
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    return openPostgres(config.databaseUrl);
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, database: "azscraper" });
  try {
    await migratePostgresUrl(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  const database = openPostgres(embedded.url);
  return {
    ...database,
    kind: "embedded",
    async close() {
      await database.close();
      await embedded.stop();
    },
  };
}
