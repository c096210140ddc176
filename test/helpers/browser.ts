import { expect } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); browser tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** Launches headless Chromium with a fresh profile; `close()` also deletes the profile. */
export async function launchBrowser(baseURL: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), "azs-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1440, height: 900 },
    colorScheme: "light",
    baseURL,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Retries an assertion until it holds, failing after 10 s: the page updates asynchronously, and
 * bun's `expect` (unlike Playwright Test's) does not wait.
 */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await Bun.sleep(50);
    }
  }
}

export const visible = (locator: Locator) => locator.waitFor({ state: "visible" });
export const gone = (locator: Locator) => locator.waitFor({ state: "detached" });
export const text = (locator: Locator, expected: string) =>
  eventually(async () => expect((await locator.textContent())?.trim()).toBe(expected));
export const focused = (locator: Locator) =>
  eventually(async () => expect(await locator.evaluate((el) => el === document.activeElement)).toBe(true));
export const selected = (select: Locator, label: string) =>
  eventually(async () => expect(await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text)).toBe(label));
export const count = (locator: Locator, n: number) => eventually(async () => expect(await locator.count()).toBe(n));
