import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assertMatchesSpec } from "./helpers/contract";
import { uniqueEmail } from "./helpers/factories";
import { type StartedServer, startServer } from "./helpers/server";

/**
 * The public page's curl lines, run verbatim with bash and curl against a started server. The
 * only change is the one the page itself asks for: its hosted base URL becomes $API_BASE.
 */
const root = join(import.meta.dir, "..");
const shared = join(root, "../shared/seed/api-keys.md");
const fixture = join(root, "test/fixtures/seed-api-keys.md");
const page = readFileSync(existsSync(shared) ? shared : fixture, "utf8");

const curlLines = [...page.matchAll(/^curl (?:.*\\\n)*.*$/gm)].map((m) => m[0]);
const [useKey, listKeys, createKey] = curlLines;

let server: StartedServer;
const env: Record<string, string> = {};

async function curl(command: string): Promise<unknown> {
  const run = Bun.spawn(["bash", "-c", command.replaceAll("https://api.azscraper.com", "$API_BASE")], {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = [await new Response(run.stdout).text(), await new Response(run.stderr).text(), await run.exited];
  expect(code, err).toBe(0);
  return JSON.parse(out);
}

beforeAll(async () => {
  server = await startServer();
  env.API_BASE = server.baseUrl;
  const email = uniqueEmail("seed");
  const post = (path: string, body: unknown) =>
    fetch(`${server.baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  await post("/auth/register", { email, password: "seed-password", name: "Seed" });
  env.TOKEN = ((await (await post("/auth/login", { email, password: "seed-password" })).json()) as any).data.accessToken;
  const projects = await fetch(`${server.baseUrl}/private/projects`, { headers: { authorization: `Bearer ${env.TOKEN}` } });
  env.PROJECT_ID = ((await projects.json()) as any).data[0].id;
}, 60_000);
afterAll(() => server?.stop());

const json = new Headers({ "content-type": "application/json" });

describe("the seed page's curl lines, verbatim", () => {
  test("the page still has its three curl lines, and our copy of it is current", () => {
    expect(curlLines).toHaveLength(3);
    if (existsSync(shared)) expect(readFileSync(fixture, "utf8")).toBe(readFileSync(shared, "utf8"));
  });

  test("List keys: an empty list for a new project", async () => {
    const body = await curl(listKeys!);
    assertMatchesSpec("GET", `/private/projects/${env.PROJECT_ID}/api-keys`, 200, json, body);
    expect(body).toEqual({ data: [] });
  });

  test("Create a key: the full key is shown once; the list then has it with its hint", async () => {
    const created = (await curl(createKey!)) as any;
    assertMatchesSpec("POST", `/private/projects/${env.PROJECT_ID}/api-keys`, 201, json, created);
    expect(created.data).toMatchObject({ name: "ci-pipeline" });
    env.AZSCRAPER_API_KEY = created.data.key;
    const listed = (await curl(listKeys!)) as any;
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      id: created.data.id,
      name: "ci-pipeline",
      keyHint: created.data.key.slice(-4),
      lastUsedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(created.data.key);
  });

  test("Using a key: the project's jobs, with the key as a Bearer token", async () => {
    const body = await curl(useKey!);
    assertMatchesSpec("GET", `/projects/${env.PROJECT_ID}/jobs`, 200, json, body);
    expect(body).toEqual({ data: [], nextCursor: null });
  });

  test("the server's log never contains the key or the session token", () => {
    expect(server.output.join("\n")).toContain('"path":"/private/projects/');
    expect(server.output.join("\n")).not.toContain(env.AZSCRAPER_API_KEY!);
    expect(server.output.join("\n")).not.toContain(env.TOKEN!);
  });
});
