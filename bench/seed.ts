import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { generateApiKey, hashApiKey, keyHint } from "../src/auth/api-key-format";
import { migratePostgresUrl } from "../src/db/migrate";
import { newId } from "../src/ids";

export type Seed = { userId: string; projectId: string; keys: string[] };

/** A fresh database on the given server, migrated, dropped by `drop()`. */
export async function benchDatabase(adminUrl: string) {
  const name = `azs_bench_${randomBytes(5).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migratePostgresUrl(url.toString());
  const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** One user, organization and project, and `keyCount` working keys whose secrets the bench keeps. */
export async function seedProject(sql: postgres.Sql, keyCount: number): Promise<Seed> {
  const now = new Date();
  const userId = newId(now);
  const orgId = newId(now);
  const projectId = newId(now);
  await sql`insert into users (id, email, name, password_hash, created_at) values (${userId}, ${`bench-${userId}@example.com`}, 'bench', 'not-a-password-hash', ${now})`;
  await sql`insert into organizations (id, name, personal, created_at) values (${orgId}, 'Bench org', true, ${now})`;
  await sql`insert into memberships (organization_id, user_id, role, created_at) values (${orgId}, ${userId}, 'owner', ${now})`;
  await sql`insert into projects (id, organization_id, name, created_at) values (${projectId}, ${orgId}, 'Bench project', ${now})`;
  const keys = Array.from({ length: keyCount }, () => generateApiKey());
  const rows = keys.map((key) => ({
    id: newId(now),
    project_id: projectId,
    created_by: userId,
    name: "bench",
    key_hash: hashApiKey(key),
    key_hint: keyHint(key),
    created_at: now,
  }));
  for (let i = 0; i < rows.length; i += 1000) await sql`insert into api_keys ${sql(rows.slice(i, i + 1000))}`;
  return { userId, projectId, keys };
}

/**
 * Tops the key table up to `total` rows with generate_series: filler keys (revoked and active, as
 * a real table would hold) whose hashes fill the unique index the lookups walk.
 */
export async function fillKeys(sql: postgres.Sql, seed: Seed, total: number): Promise<number> {
  const [{ n }] = (await sql`select count(*)::int as n from api_keys`) as unknown as [{ n: number }];
  const missing = total - n;
  if (missing <= 0) return n;
  await sql`
    insert into api_keys (id, project_id, created_by, name, key_hash, key_hint, created_at, revoked_at)
    select 'f' || lpad(i::text, 23, '0'), ${seed.projectId}, ${seed.userId}, 'filler',
           encode(sha256(('filler-' || i)::bytea), 'hex'), 'fill', now(),
           case when i % 10 = 0 then now() end
    from generate_series(1, ${missing}) as i`;
  // Settle the table before measuring: no autovacuum or checkpoint of the bulk load mid-run.
  await sql`vacuum analyze api_keys`;
  await sql`checkpoint`;
  const [{ m }] = (await sql`select count(*)::int as m from api_keys`) as unknown as [{ m: number }];
  return m;
}
