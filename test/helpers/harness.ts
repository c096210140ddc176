import { type App, createApp } from "../../src/app";
import type { Clock } from "../../src/clock";
import { type Config, loadConfig } from "../../src/config";
import type { Database } from "../../src/db/client";
import type { Logger } from "../../src/http/logger";
import { createDeps, type Wired } from "../../src/wiring";
import { assertMatchesSpec } from "./contract";
import { freshDatabase } from "./database";

export const TEST_JWT_SECRET = "test-secret-that-is-at-least-32-characters-long";

/** A clock tests can move; it follows the real time until `freeze()`, then moves only with `advance()`. */
export class TestClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  now = () => new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
  /** For tests whose outcome depends on elapsed time (rate limits): a slow machine must not change it. */
  freeze() {
    this.frozenAt ??= Date.now();
  }
}

export type Sent = {
  token?: string;
  body?: unknown;
  /** A raw body, sent as is (for malformed JSON, wrong content types, huge bodies). */
  raw?: string;
  headers?: Record<string, string>;
};

export type Received<T = any> = { status: number; body: T; headers: Headers };

export type TestApp = {
  app: App;
  deps: Wired;
  database: Database;
  clock: TestClock;
  /** Every log line the app wrote, as parsed JSON. */
  logs: Record<string, unknown>[];
  /** Sends a request in-process; the response is checked against openapi.yaml before it is returned. */
  request<T = any>(method: string, path: string, sent?: Sent): Promise<Received<T>>;
  close(): Promise<void>;
};

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const config = { ...loadConfig({ JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: "/nonexistent" }), ...overrides };
  const clock = new TestClock();
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = {
    info: (fields) => void logs.push({ level: "info", ...fields }),
    warn: (fields) => void logs.push({ level: "warn", ...fields }),
    error: (fields) => void logs.push({ level: "error", ...fields }),
  };
  const deps = await createDeps(database, config, clock, logger);
  const app = createApp(deps);

  async function request(method: string, path: string, sent: Sent = {}): Promise<Received> {
    const headers: Record<string, string> = { ...sent.headers };
    if (sent.token) headers.authorization = `Bearer ${sent.token}`;
    let body: string | undefined = sent.raw;
    if (sent.body !== undefined) {
      body = JSON.stringify(sent.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await app.handle(new Request(`http://localhost${path}`, { method, headers, body }));
    const text = await response.text();
    const type = response.headers.get("content-type") ?? "";
    const parsed = type.startsWith("application/json") && text ? JSON.parse(text) : text;
    assertMatchesSpec(method, new URL(`http://localhost${path}`).pathname, response.status, response.headers, parsed);
    return { status: response.status, body: parsed, headers: response.headers };
  }

  return {
    app,
    deps,
    database,
    clock,
    logs,
    request,
    async close() {
      await deps.worker?.stop(0).catch(() => {});
      await deps.webhooks?.stop().catch(() => {});
      await deps.keyUsage.stop().catch(() => {});
      await deps.invalidation.stop();
      await deps.jobEvents.stop();
      await database.close();
    },
  };
}
