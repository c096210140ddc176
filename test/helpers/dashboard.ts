import { expect } from "bun:test";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { count, gone, visible } from "./browser";

/** Where browser tests write screenshots (git-ignored); docs/screenshots gets copies on purpose. */
export const SCREENSHOTS = join(import.meta.dir, "../../test-output/screenshots");

const axeSource = await Bun.file(createRequire(import.meta.url).resolve("axe-core/axe.min.js")).text();

/**
 * axe-core's violations on the page as it is now, one line each. axe is evaluated through the
 * DevTools protocol, which the page's CSP does not govern, so the page keeps its real policy.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}
type AxeViolation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/** How far the page reaches sideways beyond the window (0 when nothing overflows). */
export const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

export const WIDTHS = [360, 1440] as const;

/**
 * The checks every view gets at 360 and 1440 px: axe finds nothing, nothing overflows sideways,
 * and a screenshot is written to the ignored folder (named `<view>-<width>.png`).
 */
export async function checkView(page: Page, view: string, ready: () => Promise<void>): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  try {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await ready();
      expect({ view, width, violations: await axeViolations(page) }).toEqual({ view, width, violations: [] });
      expect({ view, width, overflow: await horizontalOverflow(page) }).toEqual({ view, width, overflow: 0 });
      await page.screenshot({ path: join(SCREENSHOTS, `${view}-${width}.png`), fullPage: true });
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
}

/** Calls the API from the test itself, as a script would. */
export async function apiCall(baseUrl: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = body ? { "content-type": "application/json" } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: (await response.json()) as any };
}

export async function signInAs(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export const projectIdFromUrl = (page: Page) => /#\/projects\/([0-9a-f]+)\//.exec(page.url())![1]!;

/** A key's row in the keys table, by its exact name. */
export const keyRow = (page: Page, name: string) =>
  page.locator("tbody tr", { has: page.locator("td.key-name", { hasText: new RegExp(`^${name}$`) }) });

/**
 * Opens Create key, names the key, copies the full key from the once-shown dialog (which will not
 * close on Done before that) and closes it. Needs clipboard permission for the page's origin.
 */
export async function createKeyInDialog(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: "Create key", exact: true }).click();
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const field = page.getByLabel("Your new API key");
  await visible(field);
  const key = await field.inputValue();
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await visible(page.getByText("Copied to the clipboard."));
  await page.getByRole("button", { name: "Done" }).click();
  await gone(page.getByRole("dialog"));
  await count(keyRow(page, name), 1);
  return key;
}
