import { describe, expect, test } from "bun:test";
import { generateApiKey, hashApiKey, isWellFormedApiKey, KEY_LENGTH, KEY_PREFIX, keyHint } from "../../src/auth/api-key-format";

describe("API key format", () => {
  test("a key is azs_ + 36 base62 random characters + a 6-character checksum", () => {
    const key = generateApiKey();
    expect(key).toMatch(/^azs_[0-9A-Za-z]{42}$/);
    expect(key).toHaveLength(KEY_LENGTH);
    expect(key.startsWith(KEY_PREFIX)).toBe(true);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  test("keys do not repeat", () => {
    const keys = new Set(Array.from({ length: 10_000 }, generateApiKey));
    expect(keys.size).toBe(10_000);
  });

  test("changing any single character breaks the checksum", () => {
    const key = generateApiKey();
    for (let i = KEY_PREFIX.length; i < key.length; i++) {
      const swapped = key[i] === "a" ? "b" : "a";
      expect(isWellFormedApiKey(key.slice(0, i) + swapped + key.slice(i + 1))).toBe(false);
    }
  });

  test.each(["", "azs_", `azx_${"a".repeat(42)}`, `${generateApiKey()}a`, generateApiKey().slice(0, -1), `azs_${"-".repeat(42)}`])(
    "%p is not well formed",
    (candidate) => expect(isWellFormedApiKey(candidate)).toBe(false),
  );

  test("the hint is the last 4 characters; the hash is sha256 hex", () => {
    const key = generateApiKey();
    expect(keyHint(key)).toBe(key.slice(-4));
    expect(hashApiKey(key)).toBe(new Bun.CryptoHasher("sha256").update(key).digest("hex"));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
  });
});
