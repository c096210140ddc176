import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type StartedServer, startServer } from "./helpers/server";

/** The server as `npm start` runs it: what it says when it starts, and HTTP's HEAD over a real socket. */
let server: StartedServer;
let base: string;
beforeAll(async () => {
  server = await startServer({ JWT_SECRET: "", HOST: "127.0.0.1", ALLOW_PRIVATE_TARGETS: "true", WORKER: "off" });
  base = server.baseUrl.replace("localhost", "127.0.0.1");
}, 120_000);
afterAll(() => server?.stop());

const lines = () => server.output.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);

describe("start-up", () => {
  test("one line says where the API, /swagger and the dashboard are, the database, and the risky settings on", () => {
    const listening = lines().filter((l) => l.event === "listening");
    expect(listening).toHaveLength(1);
    const [line] = listening;
    const api = `http://127.0.0.1:${line!.port}`;
    expect(line).toMatchObject({
      level: "info",
      host: "127.0.0.1",
      api,
      swagger: `${api}/swagger`,
      dashboard: `${api}/`,
      worker: "off",
      riskySettings: ["ALLOW_PRIVATE_TARGETS"],
    });
    expect(String(line!.database)).toMatch(/^(embedded PostgreSQL in \/|PostgreSQL at )/);
    expect(String(line!.database)).not.toContain("@"); // never a DATABASE_URL's user or password
    expect(String(line!.message)).toContain(`${api}/swagger`);
    expect(String(line!.message)).toContain("risky settings on: ALLOW_PRIVATE_TARGETS");
  });

  test("a missing JWT_SECRET is a warning, at level warn", () => {
    const warnings = lines().filter((l) => l.event === "config_warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe("warn");
    expect(String(warnings[0]!.message)).toContain("JWT_SECRET");
  });

  test("HOST=127.0.0.1 answers on the loopback address", async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});

describe("HEAD over a real socket", () => {
  test("an open route: 200, the GET's headers, no body", async () => {
    const get = await fetch(`${base}/health`);
    const head = await fetch(`${base}/health`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
    expect(await head.text()).toBe("");
  });

  test("an authenticated route without credentials: 401 with the challenge, no body", async () => {
    const head = await fetch(`${base}/private/me`, { method: "HEAD" });
    expect(head.status).toBe(401);
    expect(head.headers.get("www-authenticate")).toStartWith("Bearer");
    expect(await head.text()).toBe("");
  });
});
