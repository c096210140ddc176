import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";

const quiet = () => {};

describe("configuration", () => {
  test("defaults: every interface on port 3000, embedded database under ./data, 15-minute access tokens", () => {
    const config = loadConfig({ JWT_SECRET: "x".repeat(32) }, quiet);
    expect(config).toMatchObject({ host: "0.0.0.0", port: 3000, databaseUrl: undefined, dataDir: "./data", accessTokenTtlSeconds: 900 });
  });

  test("HOST=127.0.0.1 listens on this machine only", () => {
    expect(loadConfig({ JWT_SECRET: "x".repeat(32), HOST: "127.0.0.1" }, quiet).host).toBe("127.0.0.1");
  });

  test("production refuses to start without JWT_SECRET", () => {
    expect(() => loadConfig({ NODE_ENV: "production", DATA_DIR: "/nonexistent" }, quiet)).toThrow(ConfigError);
  });

  test("outside production a secret is generated once, kept in the data directory, with a warning", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "azs-config-"));
    const warnings: string[] = [];
    const first = loadConfig({ DATA_DIR: dataDir }, (m) => warnings.push(m));
    const second = loadConfig({ DATA_DIR: dataDir }, (m) => warnings.push(m));
    expect(first.jwtSecret).toBe(second.jwtSecret);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(first.jwtSecret);
    const file = join(dataDir, "jwt-secret");
    expect(existsSync(file) && readFileSync(file, "utf8")).toBe(first.jwtSecret);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  test.each([
    [{ PORT: "http" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ JWT_SECRET: "short" }, "JWT_SECRET"],
    [{ TRUST_PROXY: "maybe" }, "TRUST_PROXY"],
    [{ HOST: "http://0.0.0.0/" }, "HOST"],
  ])("a bad value %j is refused, naming the variable", (env, name) => {
    expect(() => loadConfig({ JWT_SECRET: "x".repeat(32), ...env }, quiet)).toThrow(name);
  });
});
