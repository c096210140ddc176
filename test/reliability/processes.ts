import { randomBytes } from "node:crypto";
import postgres from "postgres";

/** Helpers for tests that talk to real server processes (test/helpers/server.ts starts them) on a throwaway database. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL;

/** `admin` is connected to the server's maintenance database, `sql` to the throwaway one. */
export type ThrowawayDatabase = { url: string; name: string; admin: postgres.Sql; sql: postgres.Sql; drop(): Promise<void> };

export async function throwawayDatabase(adminUrl = ADMIN_URL!): Promise<ThrowawayDatabase> {
  const name = `azs_rel_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  return {
    url: url.toString(),
    name,
    admin,
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** A JSON request; `status` 0 means the connection failed. Never waits longer than `timeoutMs`. */
export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; timeoutMs?: number } = {}) {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  try {
    const res = await fetch(base + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  } catch (error) {
    return { status: 0, body: undefined, error, headers: new Headers() };
  }
}

export type Seeded = { token: string; projectId: string; orgId: string; userId: string; email: string; password: string };

/** Registers and logs in a user through the running server. */
export async function seedUser(base: string, label = "rel"): Promise<Seeded> {
  const email = `${label}-${randomBytes(5).toString("hex")}@example.com`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const reg = await call(base, "POST", "/auth/register", { body: { email, password, name: label } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await call(base, "POST", "/auth/login", { body: { email, password } });
  const token = login.body.data.accessToken as string;
  const projects = await call(base, "GET", "/private/projects", { token });
  const project = projects.body.data[0];
  return { token, projectId: project.id, orgId: project.organizationId, userId: reg.body.data.id, email, password };
}

export async function createKeyVia(base: string, user: Seeded, name = "rel-key") {
  const res = await call(base, "POST", `/private/projects/${user.projectId}/api-keys`, { token: user.token, body: { name } });
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data as { id: string; key: string };
}
