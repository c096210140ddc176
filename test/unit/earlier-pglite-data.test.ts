import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres";

describe("a DATA_DIR from a version that kept its data in PGlite", () => {
  test("is refused with a sentence naming the folder and the two ways on, and nothing is created beside it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "azs-pglite-"));
    try {
      mkdirSync(join(dataDir, "pglite"));
      const started = startEmbeddedPostgres({ dataDir, port: 0, database: "azscraper" });
      await expect(started).rejects.toThrow(`${join(dataDir, "pglite")} holds the database of an earlier version (PGlite)`);
      await expect(started).rejects.toThrow("move");
      expect(existsSync(join(dataDir, "postgres"))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
