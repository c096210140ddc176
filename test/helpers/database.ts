import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type Database, openPostgres } from "../../src/db/client";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded-postgres";
import { migratePostgresUrl } from "../../src/db/migrate";

/**
 * A fresh, migrated database for one test file: a throwaway database, dropped at close, on the
 * server at TEST_DATABASE_URL or, without it, on the embedded PostgreSQL shared by the whole run.
 */
export async function freshDatabase(): Promise<Database> {
  const throwaway = await throwawayPostgres(await testServerUrl());
  const database = openPostgres(throwaway.url);
  return {
    ...database,
    async close() {
      await database.close();
      await throwaway.drop();
    },
  };
}

let shared: Promise<{ server: EmbeddedPostgres; dataDir: string }> | undefined;

/**
 * The maintenance URL of the server tests make their databases on: TEST_DATABASE_URL, or the
 * embedded PostgreSQL started on first use (about a second) in a temporary directory, with
 * durability off since its data is thrown away. `stopSharedTestServer` (test/preload.ts) ends it.
 */
export async function testServerUrl(): Promise<string> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return url;
  shared ??= (async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "azs-test-postgres-"));
    const settings = { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "300" };
    return { server: await startEmbeddedPostgres({ dataDir, port: 0, database: "postgres", settings }), dataDir };
  })();
  return (await shared).server.url;
}

export async function stopSharedTestServer(): Promise<void> {
  if (!shared) return;
  const { server, dataDir } = await shared;
  shared = undefined;
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** A new empty database on the server at `adminUrl`, migrated; `drop` removes it. */
export async function throwawayPostgres(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `azs_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migratePostgresUrl(url.toString());
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
