import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { type Database, openPostgres, wrapPglite } from "../../src/db/client";
import { migratePgliteClient, migratePostgresUrl } from "../../src/db/migrate";

/**
 * A fresh, migrated database for one test file: PGlite restored from a snapshot taken once per
 * migration set (initdb costs seconds; a restore well under one), or, when TEST_DATABASE_URL is
 * set, a throwaway database on that server, dropped at close.
 */
export async function freshDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  return url ? freshPostgres(url) : freshPglite();
}

const root = join(import.meta.dir, "../..");
let snapshot: Promise<Blob> | undefined;

function migrationsDigest(): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(join(root, "drizzle")).sort()) {
    if (file.endsWith(".sql")) hash.update(readFileSync(join(root, "drizzle", file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function takeSnapshot(): Promise<Blob> {
  const dir = join(root, "node_modules/.cache/azscraper");
  const file = join(dir, `pglite-${migrationsDigest()}.tar.gz`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const client = await PGlite.create("memory://");
  await migratePgliteClient(client);
  const blob = await client.dumpDataDir("gzip");
  await client.close();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  return blob;
}

async function freshPglite(): Promise<Database> {
  snapshot ??= takeSnapshot();
  return wrapPglite(await PGlite.create({ loadDataDir: await snapshot }));
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

async function freshPostgres(adminUrl: string): Promise<Database> {
  const throwaway = await throwawayPostgres(adminUrl);
  const database = openPostgres(throwaway.url);
  return {
    ...database,
    async close() {
      await database.close();
      await throwaway.drop();
    },
  };
}
