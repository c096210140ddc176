/**
 * Retries `check` until it returns without throwing, and returns what it returned: the page, the
 * worker and other server processes change things asynchronously, and bun's `expect` (unlike
 * Playwright Test's) does not wait. Past `timeoutMs` it fails with what was `awaited` and the
 * last failure, so a timeout says what never happened, not only the last value it saw.
 */
export async function eventually<T>(awaited: string, check: () => Promise<T> | T, { timeoutMs = 10_000, everyMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      // A bug in the check (a 404's missing body read as data, say) will not heal by waiting.
      if (error instanceof TypeError || error instanceof ReferenceError) throw error;
      if (Date.now() > deadline) {
        const last = error instanceof Error ? error.message : String(error);
        throw new Error(`Waited ${timeoutMs} ms for ${awaited}; the last check said: ${last}`, { cause: error });
      }
      await Bun.sleep(everyMs);
    }
  }
}
