import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasChromium, type ServerAndBrowser, startServerAndBrowser, visible } from "./helpers/browser";

/**
 * Swagger UI under its Content-Security-Policy, in Debian's Chromium against a real server: the
 * policy must not break the page it protects. Skipped where that Chromium is missing.
 */
describe.skipIf(!hasChromium)("Swagger UI in a real browser", () => {
  let browser: ServerAndBrowser;
  beforeAll(async () => {
    browser = await startServerAndBrowser();
  }, 90_000);
  afterAll(() => browser?.close());

  test("renders the hand-written spec and runs an operation with no CSP violation", async () => {
    const { page, consoleErrors, problems } = browser;
    await page.goto("/swagger");
    await visible(page.getByRole("heading", { name: /AzScraper API/ }));
    // The spec's first server is "/": "Try it out" calls the host and port the page came from,
    // although this server listens on a port the OS picked.
    const health = page.locator("#operations-Service-getHealth");
    await health.locator("button.opblock-summary-control").click();
    await health.getByRole("button", { name: "Try it out" }).click();
    await health.getByRole("button", { name: "Execute" }).click();
    await visible(health.locator(".live-responses-table .response-col_status", { hasText: "200" }));
    // Here even a failed load is a problem (a CSP violation is logged as "Refused to ..."), and so is a script error.
    expect({ consoleErrors, problems }).toEqual({ consoleErrors: [], problems: [] });
  }, 60_000);
});
