import { describe, expect, test } from "bun:test";
import { createAccessTokens } from "../../src/auth/access-tokens";
import { hashPassword, verifyPassword } from "../../src/auth/passwords";
import { decodeCursor, encodeCursor } from "../../src/http/cursor";
import { newId } from "../../src/ids";

describe("passwords", () => {
  test("hash with argon2id and verify; a wrong password and an unknown account both fail", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toStartWith("$argon2id$");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("wrong horse", hash)).toBe(false);
    expect(await verifyPassword("correct horse", undefined)).toBe(false);
  });
});

describe("access tokens", () => {
  const tokens = createAccessTokens("s".repeat(32), 900);

  test("a token issued for a user verifies to that user", async () => {
    expect(await tokens.verify(await tokens.issue("user-1"))).toBe("user-1");
  });

  test("a token signed with another secret or altered does not verify", async () => {
    const other = createAccessTokens("o".repeat(32), 900);
    expect(await tokens.verify(await other.issue("user-1"))).toBeNull();
    const token = await tokens.issue("user-1");
    expect(await tokens.verify(token.slice(0, -2) + (token.endsWith("A") ? "BB" : "AA"))).toBeNull();
  });
});

describe("ids and cursors", () => {
  test("ids are 24 lowercase hex characters and start with the creation second", () => {
    const at = new Date("2026-06-01T09:00:00.000Z");
    const id = newId(at);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(parseInt(id.slice(0, 8), 16)).toBe(at.getTime() / 1000);
  });

  test("a cursor round-trips its position and garbage is a client error", () => {
    const position = { at: new Date("2026-06-01T09:00:00.123Z"), id: "67e0a1b2c3d4e5f6a7b8c9d0" };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(() => decodeCursor("garbage")).toThrow("cursor");
  });
});
