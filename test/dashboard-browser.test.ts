import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { count, eventually, focused, gone, hasChromium, launchBrowser, selected, text, visible } from "./helpers/browser";
import { startServer, type StartedServer } from "./helpers/server";

/**
 * The dashboard end to end, in Debian's Chromium (`apt-get install -y chromium`; never a
 * downloaded browser), against a real server process. Skipped where that Chromium is missing.
 */
const SCREENSHOT = join(import.meta.dir, "../docs/screenshots/api-keys-tab.png");

let server: StartedServer;
let context: BrowserContext;
let page: Page;
let closeBrowser: () => Promise<void>;
const problems: string[] = [];
const person = { name: "Ada Lovelace", email: "ada@example.com", password: "correct-horse-battery" };

/** Calls the API from the test itself, as a script would. */
async function apiCall(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = body ? { "content-type": "application/json" } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.baseUrl}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: response.status, body: (await response.json()) as any };
}

async function signInAs(email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function jobsStatus(projectId: string, key: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/projects/${projectId}/jobs`, { headers: { authorization: `Bearer ${key}` } });
  return response.status;
}

const projectIdFromUrl = () => /#\/projects\/([0-9a-f]+)\//.exec(page.url())![1]!;
const row = (name: string) => page.locator("tbody tr", { has: page.locator("td.key-name", { hasText: new RegExp(`^${name}$`) }) });

/** Opens Create key, names the key, and reads the full key from the one-time dialog, then closes it. */
async function createKeyInDialog(name: string): Promise<string> {
  await page.getByRole("button", { name: "Create key", exact: true }).click();
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const field = page.getByLabel("Your new API key");
  await visible(field);
  const key = await field.inputValue();
  await page.getByRole("button", { name: "Done" }).click();
  await gone(page.getByRole("dialog"));
  await count(row(name), 1);
  return key;
}

describe.skipIf(!hasChromium)("the dashboard in a real browser", () => {
  beforeAll(async () => {
    server = await startServer({ KEY_USAGE_FLUSH_MS: "50" });
    ({ context, close: closeBrowser } = await launchBrowser(server.baseUrl));
    page = context.pages()[0] ?? (await context.newPage());
    // 4xx answers the test provokes are logged as "Failed to load resource"; anything else (a CSP
    // violation is "Refused to ...") is a problem.
    page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(`console: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  }, 90_000);

  afterAll(async () => {
    await closeBrowser?.();
    await server?.stop();
  });

  test("a person signs up and lands on the Default project's API keys tab, which explains keys and shows the curl line", async () => {
    await page.goto("/");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await visible(page.getByRole("heading", { name: "API keys", level: 1 }));
    await selected(page.getByLabel("Organization"), `${person.name}'s organization`);
    await selected(page.getByLabel("Project", { exact: true }), "Default project");
    await visible(page.getByRole("heading", { name: "No API keys yet" }));
    expect(await page.title()).toBe("API keys · Default project · AzScraper");
    expect(await page.locator("pre.curl").textContent()).toContain(`curl -sS "${server.baseUrl}/projects/${projectIdFromUrl()}/jobs"`);
  }, 30_000);

  test("the session is an HttpOnly SameSite=Strict cookie and nothing is kept in web storage", async () => {
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: "azs_dashboard_session", httpOnly: true, sameSite: "Strict", path: "/dashboard/session", secure: false });
    expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual(["", 0, 0]);
  }, 30_000);

  test("an API error is shown next to the control in words, and Escape closes the dialog back onto its button", async () => {
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await focused(page.getByLabel("Key name"));
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    await text(page.getByRole("dialog").getByRole("alert"), "Field 'name' must not be blank.");
    expect(await page.getByLabel("Key name").getAttribute("aria-invalid")).toBe("true");
    await page.keyboard.press("Escape");
    await gone(page.getByRole("dialog"));
    await focused(page.getByRole("button", { name: "Create key", exact: true }));
  }, 30_000);

  test("a key from the one-time dialog calls the API; renamed and revoked in place, it then gets 401", async () => {
    const projectId = projectIdFromUrl();
    const key = await createKeyInDialog("ci-pipeline");
    expect(key).toMatch(/^azs_[0-9A-Za-z]{42}$/);
    expect(await jobsStatus(projectId, key)).toBe(200);
    await text(row("ci-pipeline").locator("code"), `azs_••••${key.slice(-4)}`);
    await text(row("ci-pipeline").locator('td[data-label="Created by"]'), "You");

    await page.getByRole("button", { name: "Rename ci-pipeline" }).click();
    const input = page.getByLabel("New name for key ci-pipeline");
    await focused(input);
    await input.fill("ci-pipeline-prod");
    await input.press("Enter");
    await count(row("ci-pipeline-prod"), 1);
    await focused(page.getByRole("button", { name: "Rename ci-pipeline-prod" }));

    await page.getByRole("button", { name: "Revoke ci-pipeline-prod" }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke the key “ci-pipeline-prod”?" });
    expect(await confirm.textContent()).toContain(`azs_••••${key.slice(-4)}`);
    await confirm.getByRole("button", { name: "Revoke “ci-pipeline-prod”" }).click();
    await gone(page.getByRole("dialog"));
    await gone(row("ci-pipeline-prod"));
    expect(await jobsStatus(projectId, key)).toBe(401);
  }, 30_000);

  test("after the dialog closes the key is nowhere in the page, and a reload keeps the session", async () => {
    const key = await createKeyInDialog("nightly-export");
    const inPage = () =>
      page.evaluate((k) => document.documentElement.outerHTML.includes(k) || [...document.querySelectorAll("input, textarea")].some((i) => (i as HTMLInputElement).value.includes(k)), key);
    expect(await inPage()).toBe(false);
    await page.reload();
    await visible(page.getByRole("heading", { name: "API keys", level: 1 }));
    await count(row("nightly-export"), 1);
    expect(await inPage()).toBe(false);
    expect(await jobsStatus(projectIdFromUrl(), key)).toBe(200);
  }, 30_000);

  test("the keys tab shows last use as a relative time with the exact time on hover (screenshot with 3 keys)", async () => {
    const projectId = projectIdFromUrl();
    const used = await createKeyInDialog("price-tracker");
    await createKeyInDialog("staging-crawler");
    expect(await jobsStatus(projectId, used)).toBe(200);
    await Bun.sleep(300); // lastUsedAt is flushed every KEY_USAGE_FLUSH_MS (50 ms here)
    await page.getByRole("link", { name: "Jobs" }).click();
    await page.getByRole("link", { name: "API keys" }).click();
    const lastUsed = row("price-tracker").locator('td[data-label="Last used"] time');
    await text(lastUsed, "just now");
    expect(await lastUsed.getAttribute("title")).toMatch(/\d{4}/);
    await text(row("staging-crawler").locator('td[data-label="Last used"]'), "Never");
    await count(page.locator("tbody tr"), 3);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 30_000);

  test("keyboard only: reach Create key, create a key, copy it, and Escape back onto the button; revoke it the same way", async () => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
    const create = page.locator("#create-key");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < 30 && !(await create.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await focused(create);
    await page.keyboard.press("Enter");
    await focused(page.getByLabel("Key name"));
    await page.keyboard.type("keyboard-only");
    await page.keyboard.press("Enter");
    const field = page.getByLabel("Your new API key");
    await focused(field);
    const key = await field.inputValue();
    await page.keyboard.press("Tab");
    await focused(page.getByRole("button", { name: "Copy" }));
    await page.keyboard.press("Enter");
    await text(page.locator(".copy-status"), "Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.keyboard.press("Escape");
    await gone(page.getByRole("dialog"));
    await focused(create);

    const revoke = page.getByRole("button", { name: "Revoke keyboard-only" });
    for (let i = 0; i < 40 && !(await revoke.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await focused(revoke);
    await page.keyboard.press("Enter");
    await focused(page.getByRole("dialog").getByRole("button", { name: "Cancel" }));
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await gone(row("keyboard-only"));
    expect(await jobsStatus(projectIdFromUrl(), key)).toBe(401);
  }, 30_000);

  test("at 360 px wide nothing overflows sideways", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.setViewportSize({ width: 1440, height: 900 });
  }, 30_000);

  test("a new project can be created and picked from the switcher", async () => {
    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("Project name").fill("Price tracker");
    await page.getByRole("button", { name: "Create project" }).click();
    await selected(page.getByLabel("Project", { exact: true }), "Price tracker");
    await visible(page.getByRole("heading", { name: "No API keys yet" }));
    await page.getByLabel("Project", { exact: true }).selectOption({ label: "Default project" });
    await count(page.locator("tbody tr"), 3);
    await focused(page.getByLabel("Project", { exact: true }));
  }, 30_000);

  test("signing out ends the session for good; a wrong password is refused in words; signing in again works", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await page.reload();
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await text(page.getByRole("alert"), "The email or password is wrong.");
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await visible(page.getByRole("heading", { name: "API keys", level: 1 }));
  }, 30_000);

  test("a member who may not revoke a colleague's key is told why next to the button, and sees no Members tab", async () => {
    const orgId = await page.getByLabel("Organization").inputValue();
    const adaToken = (await apiCall("POST", "/auth/login", { email: person.email, password: person.password })).body.data.accessToken;
    const bob = { name: "Bob Builder", email: "bob@example.com", password: "bob-password-123" };
    expect((await apiCall("POST", "/auth/register", bob)).status).toBe(201);
    expect((await apiCall("POST", `/private/organizations/${orgId}/members`, { email: bob.email, role: "member" }, adaToken)).status).toBe(201);

    await page.getByRole("button", { name: "Sign out" }).click();
    await signInAs(bob.email, bob.password);
    await visible(page.getByRole("heading", { name: "API keys", level: 1 }));
    await page.getByLabel("Organization").selectOption({ label: `${person.name}'s organization` });
    await text(row("price-tracker").locator('td[data-label="Created by"]'), person.name);
    expect(await page.getByRole("link", { name: "Members" }).count()).toBe(0);
    await page.getByRole("button", { name: "Revoke price-tracker" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Revoke “price-tracker”" }).click();
    await text(dialog.getByRole("alert"), "Only the key's creator or an owner or admin of the organization can change this key.");
    await page.keyboard.press("Escape");
    await count(row("price-tracker"), 1);
  }, 30_000);

  test("the page renews its access token before it expires, rotating the cookie", async () => {
    await page.clock.install();
    await page.reload();
    await visible(page.getByRole("heading", { name: "API keys", level: 1 }));
    const before = (await context.cookies())[0]!.value;
    const renewed = page.waitForResponse((r) => r.url().endsWith("/dashboard/session/refresh") && r.status() === 200);
    await page.clock.fastForward("14:30"); // the token lives 15 minutes; the page renews a minute early
    await renewed;
    await eventually(async () => expect((await context.cookies())[0]!.value).not.toBe(before));
    await page.getByRole("link", { name: "Jobs" }).click();
    await visible(page.getByRole("heading", { name: "No jobs yet" }));
  }, 30_000);

  test("too many failed sign-ins are refused with 429, said in words next to the form", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    const alert = page.getByRole("alert");
    for (let i = 0; i < 12; i++) {
      await signInAs(person.email, `wrong-${i}`);
      await eventually(async () => expect(await alert.textContent()).toMatch(/wrong|Too many/));
      if ((await alert.textContent())!.startsWith("Too many")) break;
      await page.evaluate(() => document.querySelector('[role="alert"]')!.replaceChildren());
    }
    expect(await alert.textContent()).toMatch(/^Too many failed logins\. Try again in \d+ minute/);
  }, 30_000);

  test("no script errors or Content-Security-Policy violations happened on the way", () => {
    expect(problems).toEqual([]);
  });
});
