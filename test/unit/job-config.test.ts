import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config";

const load = (env: Record<string, string>) => loadConfig({ JWT_SECRET: "x".repeat(32), ...env }, () => {});

describe("job, credit and worker settings", () => {
  test("defaults: 1000 free credits, a worker of 32, private targets refused, 10/s per key with bursts of 20", () => {
    expect(load({})).toMatchObject({
      freeCredits: 1000,
      adminEmails: [],
      workerEnabled: true,
      workerConcurrency: 32,
      allowPrivateTargets: false,
      allowedTargetPorts: [80, 443, 8080, 8443],
      rateLimitKeyPerSecond: 10,
      rateLimitKeyBurst: 20,
    });
  });

  test("WORKER=off makes an API-only process; ADMIN_EMAILS is a lowercased list; ports accept * or a list", () => {
    expect(load({ WORKER: "off" }).workerEnabled).toBe(false);
    expect(load({ ADMIN_EMAILS: " Op@Example.com, b@x.io ," }).adminEmails).toEqual(["op@example.com", "b@x.io"]);
    expect(load({ ALLOWED_TARGET_PORTS: "*" }).allowedTargetPorts).toBe("any");
    expect(load({ ALLOWED_TARGET_PORTS: "80, 8000" }).allowedTargetPorts).toEqual([80, 8000]);
  });

  test.each([
    [{ WORKER_CONCURRENCY: "0" }, "WORKER_CONCURRENCY"],
    [{ FREE_CREDITS: "-5" }, "FREE_CREDITS"],
    [{ ALLOWED_TARGET_PORTS: "80,http" }, "ALLOWED_TARGET_PORTS"],
    [{ ALLOW_PRIVATE_TARGETS: "sometimes" }, "ALLOW_PRIVATE_TARGETS"],
    [{ JOB_LEASE_MS: "10" }, "JOB_LEASE_MS"],
  ])("a bad value %j is refused, naming the variable", (env, name) => {
    expect(() => load(env)).toThrow(name);
  });
});
