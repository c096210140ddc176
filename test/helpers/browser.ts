import { expect } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { eventually } from "./eventually";
import { type StartedServer, startServer } from "./server";

/** Debian's Chromium (`apt-get install -y chromium`); browser tests never download a browser. */
const CHROMIUM = "/usr/bin/chromium";
/** Browser test files `describe.skipIf(!hasChromium)`: where that Chromium is missing they skip, not fail. */
export const hasChromium = existsSync(CHROMIUM);

export type ServerAndBrowser = {
  server: StartedServer;
  context: BrowserContext;
  /** The profile's first tab, the one a file's tests drive in turn. */
  page: Page;
  /** Every console error the page logged, in order. */
  consoleErrors: string[];
  /**
   * Console errors other than "Failed to load resource" (how Chromium logs the 4xx answers tests
   * provoke on purpose; a CSP violation reads "Refused to ...") and uncaught script errors.
   */
  problems: string[];
  /** Closes the browser (deleting its profile), then stops the server. */
  close(): Promise<void>;
};

/**
 * The set-up every browser test shares: the real server as a process (`startServer(env)`), Chromium
 * pointed at it, and one page whose errors are recorded. `clipboard` lets the page use the
 * clipboard, as the once-shown key's Copy button does.
 */
export async function startServerAndBrowser(env: Record<string, string> = {}, { clipboard = false } = {}): Promise<ServerAndBrowser> {
  const server = await startServer(env);
  // A set-up that fails half-way closes what it opened: no afterAll receives it to close.
  const browser = await launchBrowser(server.baseUrl).catch(async (error) => {
    await server.stop();
    throw error;
  });
  const close = async () => {
    try {
      await browser.close();
    } finally {
      await server.stop(); // a browser that fails to close must not leave the server and its database behind
    }
  };
  const { context } = browser;
  const consoleErrors: string[] = [];
  const problems: string[] = [];
  try {
    if (clipboard) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      consoleErrors.push(m.text());
      if (!m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    return { server, context, page, consoleErrors, problems, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Launches headless Chromium with a fresh profile; `close()` also deletes the profile. */
async function launchBrowser(baseURL: string): Promise<{ context: BrowserContext; close(): Promise<void> }> {
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

export const visible = (locator: Locator) => locator.waitFor({ state: "visible" });
export const gone = (locator: Locator) => locator.waitFor({ state: "detached" });
export const text = (locator: Locator, expected: string) =>
  eventually(`${locator} to read "${expected}"`, async () => expect((await locator.textContent())?.trim()).toBe(expected));
export const focused = (locator: Locator) =>
  eventually(`${locator} to have focus`, async () => expect(await locator.evaluate((el) => el === document.activeElement)).toBe(true));
export const selected = (select: Locator, label: string) =>
  eventually(`${select} to have "${label}" selected`, async () =>
    expect(await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text)).toBe(label),
  );
export const count = (locator: Locator, n: number) => eventually(`${n} of ${locator}`, async () => expect(await locator.count()).toBe(n));
