import { describe, expect, test } from "bun:test";
import { ExtractPool } from "../../src/worker/extract-pool";
import { storableJson } from "../../src/worker/storable-json";

describe("results as JSON text PostgreSQL stores", () => {
  test("NUL characters are dropped; backslashes and every other character are kept", () => {
    const value = { title: "a\u0000b", text: "\\u0000 stays as typed, \\\u0000 loses its NUL", links: ["x\u0000"], n: 1 };
    const stored = JSON.parse(storableJson(value));
    expect(stored).toEqual({ title: "ab", text: "\\u0000 stays as typed, \\ loses its NUL", links: ["x"], n: 1 });
    expect(storableJson({ plain: "text" })).toBe(JSON.stringify({ plain: "text" }));
  });

  test("a page with NUL bytes in its title and text comes back from the extraction threads without them", async () => {
    const pool = new ExtractPool(1);
    try {
      const page = Buffer.from("<html><head><title>a\u0000b</title></head><body><main><p>x\u0000y</p></main></body></html>");
      const json = await pool.run(page, "text/html", "https://s.example/", ["title", "text"], { onlyMainContent: true, selectors: {} });
      expect(json).not.toContain("\\u0000");
      expect(JSON.parse(json)).toEqual({ title: "ab", text: "xy" });
    } finally {
      await pool.close();
    }
  });
});
