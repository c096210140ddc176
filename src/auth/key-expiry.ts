import type { ActiveKey } from "./api-key-lookup";

/**
 * Records, once, that a key was refused because it expired. Each process asks at most once per
 * expiry of a key; what recording means (the conditional update, the webhook and audit events) is
 * the modules' business, handed in by the wiring, so the auth layer stays below them.
 */
export class KeyExpiryRecorder {
  /**
   * Expiries already asked about, as `keyId@expiresAt`: a key whose expiry was moved (PATCH) and
   * passed again is a new expiry, to be recorded at its own first refusal, not at the next sweep.
   */
  private readonly noted = new Set<string>();

  constructor(private readonly record: (keyId: string, now: Date) => Promise<unknown>) {}

  async noteRefusal(key: Pick<ActiveKey, "keyId" | "expiresAt">, now: Date): Promise<void> {
    const expiry = `${key.keyId}@${key.expiresAt}`;
    if (this.noted.has(expiry)) return;
    // Bounded: forgetting only costs one more conditional update that changes nothing.
    if (this.noted.size >= 10_000) this.noted.clear();
    this.noted.add(expiry);
    // A failed write only delays the record to the next sweep: the refusal itself stands.
    await this.record(key.keyId, now).catch(() => undefined);
  }
}
