/**
 * Records, once, that a key was refused because it expired. Each process asks at most once per
 * key; what recording means (the conditional update, the webhook and audit events) is the
 * modules' business, handed in by the wiring, so the auth layer stays below them.
 */
export class KeyExpiryRecorder {
  private readonly noted = new Set<string>();

  constructor(private readonly record: (keyId: string, now: Date) => Promise<unknown>) {}

  async noteRefusal(keyId: string, now: Date): Promise<void> {
    if (this.noted.has(keyId)) return;
    // Bounded: forgetting only costs one more conditional update that changes nothing.
    if (this.noted.size >= 10_000) this.noted.clear();
    this.noted.add(keyId);
    // A failed write only delays the record to the next sweep: the refusal itself stands.
    await this.record(keyId, now).catch(() => undefined);
  }
}
