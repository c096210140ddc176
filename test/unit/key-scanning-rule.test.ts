import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateApiKey, isWellFormedApiKey } from "../../src/auth/api-key-format";

/**
 * README "Reporting a leaked key" tells scanner writers how to recognise a key. This follows the
 * README's words with its own CRC-32 (not the server's code), so the text cannot drift from the keys.
 */
const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Reporting a leaked key"));
const regex = new RegExp(/```\n(.+)\n```/.exec(section.slice(section.indexOf("The key format")))![1]!, "g");
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function readmeSaysIsKey(candidate: string): boolean {
  const random = candidate.slice(4, 40);
  let value = crc32(random);
  let digits = "";
  for (let i = 0; i < 6; i++) {
    digits = ALPHABET[value % 62] + digits;
    value = Math.floor(value / 62);
  }
  return candidate.slice(40) === digits;
}

describe("the README's scanning rule", () => {
  test("finds generated keys in text, and its checksum agrees with the server's", () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    const found = [...`config:\n${keys.map((k) => `API_KEY=${k}`).join("\n")}\n`.matchAll(regex)].map((m) => m[0]);
    expect(found).toEqual(keys);
    for (const key of keys) expect(readmeSaysIsKey(key)).toBe(true);
  });

  test("a key with one character changed fails the README's checksum, as it fails the server's", () => {
    const key = generateApiKey();
    const typo = key.slice(0, 10) + (key[10] === "a" ? "b" : "a") + key.slice(11);
    expect(readmeSaysIsKey(typo)).toBe(false);
    expect(isWellFormedApiKey(typo)).toBe(false);
  });
});
