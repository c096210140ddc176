import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Config } from "../config";
import { type Database, openPostgres, wrapPglite } from "./client";
import { migratePgliteClient, migratePostgresUrl } from "./migrate";

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): Promise<Database> {
  if (config.databaseUrl) {
    await migratePostgresUrl(config.databaseUrl);
    return openPostgres(config.databaseUrl);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const client = await PGlite.create(join(config.dataDir, "pglite"));
  await migratePgliteClient(client);
  return wrapPglite(client);
}
