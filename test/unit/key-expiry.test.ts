import { describe, expect, test } from "bun:test";
import { KeyExpiryRecorder } from "../../src/auth/key-expiry";

describe("KeyExpiryRecorder", () => {
  test("asks once per expiry of a key: not again for a repeat, again once the key's expiry moved", async () => {
    const asked: string[] = [];
    const recorder = new KeyExpiryRecorder(async (keyId) => void asked.push(keyId));
    const now = new Date();
    await recorder.noteRefusal({ keyId: "a", expiresAt: 1_000 }, now);
    await recorder.noteRefusal({ keyId: "a", expiresAt: 1_000 }, now);
    await recorder.noteRefusal({ keyId: "b", expiresAt: 1_000 }, now);
    await recorder.noteRefusal({ keyId: "a", expiresAt: 2_000 }, now);
    await recorder.noteRefusal({ keyId: "a", expiresAt: 2_000 }, now);
    expect(asked).toEqual(["a", "b", "a"]);
  });

  test("a failed record leaves the refusal standing: noteRefusal does not throw", async () => {
    const recorder = new KeyExpiryRecorder(() => Promise.reject(new Error("database down")));
    await expect(recorder.noteRefusal({ keyId: "a", expiresAt: 1_000 }, new Date())).resolves.toBeUndefined();
  });
});
