import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasChromium, launchBrowser, visible } from "./helpers/browser";
import { type StartedServer, startServer } from "./helpers/server";

/**
 * Swagger UI under its Content-Security-Policy, in Debian's Chromium against a real server: the
 * policy must not break the page it protects. Skipped where that Chromium is missing.
 */
describe.skipIf(!hasChromium)("Swagger UI in a real browser", () => {
  let server: StartedServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser(server.baseUrl);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("renders the hand-written spec and runs an operation with no CSP violation", async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    // A CSP violation is logged as "Refused to ..."; any console error or page error is a problem.
    page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    await page.goto("/swagger");
    await visible(page.getByRole("heading", { name: /AzScraper API/ }));
    // The spec's first server is "/": "Try it out" calls the host and port the page came from,
    // although this server listens on a port the OS picked.
    const health = page.locator("#operations-Service-getHealth");
    await health.locator("button.opblock-summary-control").click();
    await health.getByRole("button", { name: "Try it out" }).click();
    await health.getByRole("button", { name: "Execute" }).click();
    await visible(health.locator(".live-responses-table .response-col_status", { hasText: "200" }));
    expect(problems).toEqual([]);
  }, 60_000);
});
