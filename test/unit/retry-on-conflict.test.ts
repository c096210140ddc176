import { describe, expect, test } from "bun:test";
import { retryOnConflict } from "../../src/db/retry";

/** Fails like a transaction PostgreSQL aborted, `times` times, then succeeds. */
function flaky(code: string, times: number) {
  let calls = 0;
  const run = async () => {
    calls++;
    // Drizzle wraps the driver's error: the code sits on the cause.
    if (calls <= times) throw new Error("Failed query", { cause: Object.assign(new Error("aborted"), { code }) });
    return "committed";
  };
  return { run, calls: () => calls };
}

describe("retryOnConflict", () => {
  test.each(["40001", "40P01"])("a transaction aborted with %s runs again and commits", async (code) => {
    const tx = flaky(code, 2);
    expect(await retryOnConflict(tx.run)).toBe("committed");
    expect(tx.calls()).toBe(3);
  });

  test("it gives up after 4 attempts and passes the last error on", async () => {
    const tx = flaky("40P01", 10);
    await expect(retryOnConflict(tx.run)).rejects.toThrow("Failed query");
    expect(tx.calls()).toBe(4);
  });

  test("any other error (a unique violation, a 404) is not retried", async () => {
    const tx = flaky("23505", 1);
    await expect(retryOnConflict(tx.run)).rejects.toThrow("Failed query");
    expect(tx.calls()).toBe(1);
  });
});
