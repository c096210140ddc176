import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { count, focused, gone, hasChromium, selected, startServerAndBrowser, text, visible } from "./helpers/browser";
import { apiCall, checkView, createKeyInDialog, horizontalOverflow, keyRow, projectIdFromUrl, signInAs } from "./helpers/dashboard";
import { eventually } from "./helpers/eventually";
import type { StartedServer } from "./helpers/server";

/**
 * The dashboard's sign-in, API keys and session, end to end in Debian's Chromium
 * (`apt-get install -y chromium`; never a downloaded browser) against a real server process.
 * Skipped where that Chromium is missing. The other views: dashboard-views.test.ts.
 */
let server: StartedServer;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];
let problems: string[];
let closeServerAndBrowser: () => Promise<void>;
const person = { name: "Ada Lovelace", email: "ada@example.com", password: "correct-horse-battery" };

const api = (method: string, path: string, body?: unknown, token?: string) => apiCall(server.baseUrl, method, path, body, token);
const row = (name: string) => keyRow(page, name);
const projectId = () => projectIdFromUrl(page);
const keysHeading = () => page.getByRole("heading", { name: "API keys", level: 1 });

async function jobsStatus(projectId: string, key: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/projects/${projectId}/jobs`, { headers: { authorization: `Bearer ${key}` } });
  return response.status;
}

/** Revokes the browser's refresh token on the server, as an expired or signed-out-elsewhere session would be. */
async function killRefreshToken(): Promise<void> {
  const cookie = (await context.cookies()).find((c) => c.name === "azs_dashboard_session")!;
  expect((await api("POST", "/auth/logout", { refreshToken: cookie.value })).status).toBe(200);
}

/** Tabs from the top of the page until `target` has focus, as a keyboard user would. */
async function tabTo(target: ReturnType<Page["locator"]>, limit = 40): Promise<void> {
  for (let i = 0; i < limit && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await focused(target);
}

describe.skipIf(!hasChromium)("the dashboard in a real browser: sign-in, keys, session", () => {
  beforeAll(async () => {
    ({
      server,
      context,
      page,
      consoleErrors,
      problems,
      close: closeServerAndBrowser,
    } = await startServerAndBrowser({ KEY_USAGE_FLUSH_MS: "50" }, { clipboard: true }));
  }, 150_000);

  afterAll(() => closeServerAndBrowser?.());

  test("a signed-out visit shows sign-in without a single console error, and sends no doomed session refresh", async () => {
    const refreshes: string[] = [];
    page.on("request", (r) => r.url().endsWith("/dashboard/session/refresh") && refreshes.push(r.url()));
    await page.goto("/");
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await checkView(page, "sign-in", async () => {});
    expect(consoleErrors).toEqual([]);
    expect(refreshes).toEqual([]);
  }, 60_000);

  test("sign-up checks empty fields next to each field before sending anything", async () => {
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByRole("button", { name: "Create account" }).click();
    await text(page.getByText("Your name is required."), "Your name is required.");
    await focused(page.getByLabel("Your name"));
    expect(await page.getByLabel("Your name").getAttribute("aria-invalid")).toBe("true");
    await checkView(page, "sign-up", async () => {});
  }, 60_000);

  test("a person signs up and lands on the Default project's API keys tab, which explains keys and shows the curl line", async () => {
    await page.getByLabel("Your name").fill(person.name);
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(person.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await visible(keysHeading());
    await selected(page.getByLabel("Organization"), `${person.name}'s organization`);
    await selected(page.getByLabel("Project", { exact: true }), "Default project");
    await visible(page.getByRole("heading", { name: "No API keys yet" }));
    expect(await page.title()).toBe("API keys · Default project · AzScraper");
    expect(await page.locator("pre.curl").textContent()).toContain(`curl -sS "${server.baseUrl}/projects/${projectId()}/jobs"`);
    const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')!.href);
    expect((await fetch(icon)).headers.get("content-type")).toBe("image/svg+xml");
  }, 30_000);

  test("the session is an HttpOnly SameSite=Strict cookie; web storage holds only a signed-in flag, no token", async () => {
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: "azs_dashboard_session",
      httpOnly: true,
      sameSite: "Strict",
      path: "/dashboard/session",
      secure: false,
    });
    expect(await page.evaluate(() => [document.cookie, Object.fromEntries(Object.entries(localStorage)), sessionStorage.length])).toEqual([
      "",
      { "azscraper.dashboard.signed-in": "1" },
      0,
    ]);
  }, 30_000);

  test("Create key checks an empty name the way sign-up does, before any request, and Escape closes back onto its button", async () => {
    const posts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) =>
      r.method() === "POST" && r.url().endsWith("/api-keys") && posts.push(r.url());
    page.on("request", onRequest);
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await focused(page.getByLabel("Key name"));
    await page.getByLabel("Key name").fill("   ");
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    await text(page.getByRole("dialog").getByRole("alert"), "Key name is required.");
    expect(await page.getByLabel("Key name").getAttribute("aria-invalid")).toBe("true");
    await focused(page.getByLabel("Key name"));
    await checkView(page, "create-key-dialog", async () => {});
    page.off("request", onRequest);
    expect(posts).toEqual([]);
    await page.keyboard.press("Escape");
    await gone(page.getByRole("dialog"));
    await focused(page.getByRole("button", { name: "Create key", exact: true }));
  }, 60_000);

  test("the once-shown key survives a stray Escape, an outside click and Done until it is copied or closing is confirmed", async () => {
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await page.getByLabel("Key name").fill("careful");
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    const field = page.getByLabel("Your new API key");
    await focused(field);
    const key = await field.inputValue();
    expect(await page.evaluate((k) => document.documentElement.outerHTML.includes(k), key)).toBe(false); // a property, not markup

    await page.keyboard.press("Escape");
    await focused(page.getByRole("button", { name: "Keep it open" }));
    expect(await page.getByRole("dialog").textContent()).toContain("You have not copied the key.");
    await page.keyboard.press("Escape"); // browsers may close a dialog on a second Escape: not this one
    await page.mouse.click(5, 5); // on the backdrop
    await visible(field);
    await page.getByRole("button", { name: "Keep it open" }).click();
    await focused(page.getByRole("button", { name: "Copy", exact: true }));
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Close without copying" }).click();
    await gone(page.getByRole("dialog"));
    await count(row("careful"), 1);
    expect(await jobsStatus(projectId(), key)).toBe(200);
  }, 30_000);

  test("a key from the one-time dialog calls the API; renamed and revoked in place, it then gets 401", async () => {
    const key = await createKeyInDialog(page, "ci-pipeline");
    expect(key).toMatch(/^azs_[0-9A-Za-z]{42}$/);
    expect(await jobsStatus(projectId(), key)).toBe(200);
    await text(row("ci-pipeline").locator("code"), `azs_••••${key.slice(-4)}`);
    await text(row("ci-pipeline").locator('td[data-label="Belongs to"]'), "You");

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
    expect(await jobsStatus(projectId(), key)).toBe(401);
  }, 30_000);

  test("after the dialog closes the key is nowhere in the page, and a reload keeps the session", async () => {
    const key = await createKeyInDialog(page, "nightly-export");
    const inPage = () =>
      page.evaluate(
        (k) =>
          document.documentElement.outerHTML.includes(k) ||
          [...document.querySelectorAll("input, textarea")].some((i) => (i as HTMLInputElement).value.includes(k)),
        key,
      );
    expect(await inPage()).toBe(false);
    await page.reload();
    await visible(keysHeading());
    await count(row("nightly-export"), 1);
    expect(await inPage()).toBe(false);
    expect(await jobsStatus(projectId(), key)).toBe(200);
  }, 30_000);

  test("the keys tab shows last use as a relative time with the exact time on hover, and passes axe at 360 and 1440 px", async () => {
    const used = await createKeyInDialog(page, "price-tracker");
    await createKeyInDialog(page, "staging-crawler");
    expect(await jobsStatus(projectId(), used)).toBe(200);
    const lastUsed = row("price-tracker").locator('td[data-label="Last used"] time');
    // lastUsedAt is flushed every KEY_USAGE_FLUSH_MS (50 ms here); opening the tab again loads fresh data.
    await eventually("the keys tab to show the key's last use", async () => {
      await page.getByRole("link", { name: "Jobs" }).click();
      await page.getByRole("link", { name: "API keys" }).click();
      expect((await lastUsed.textContent({ timeout: 2000 }))?.trim()).toBe("just now");
    });
    expect(await lastUsed.getAttribute("title")).toMatch(/\d{4}/);
    await text(row("staging-crawler").locator('td[data-label="Last used"]'), "Never");
    await count(page.locator("tbody tr"), 4);
    await checkView(page, "keys", () => visible(row("price-tracker")));
  }, 60_000);

  test("search filters the keys by name and says how many it shows", async () => {
    const search = page.getByLabel("Search keys by name");
    await search.fill("TRACK");
    await count(page.locator("tbody tr"), 1);
    await text(page.locator(".search-count"), "Showing 1 of 4 keys.");
    await search.fill("nothing-like-it");
    await count(page.locator("tbody tr"), 0);
    await text(page.locator(".search-count"), "No key name contains “nothing-like-it”.");
    await search.fill("");
    await count(page.locator("tbody tr"), 4);
  }, 30_000);

  test("names are shown as text: a key called <img …> is those characters, never an element", async () => {
    const name = `<img src=x onerror="window.pwned=1">`;
    await createKeyInDialog(page, name);
    await text(row(name).locator("td.key-name"), name);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.evaluate(() => "pwned" in window)).toBe(false);
    await page.getByRole("button", { name: `Revoke ${name}` }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Revoke “${name}”` })
      .click();
    await gone(row(name));
  }, 30_000);

  test("keyboard only: create a key, copy it and Escape back; rename it; revoke it", async () => {
    const create = page.locator("#create-key");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(create);
    await page.keyboard.press("Enter");
    await focused(page.getByLabel("Key name"));
    await page.keyboard.type("keyboard-only");
    await page.keyboard.press("Enter");
    const field = page.getByLabel("Your new API key");
    await focused(field);
    const key = await field.inputValue();
    await page.keyboard.press("Tab");
    await focused(page.getByRole("button", { name: "Copy", exact: true }));
    await page.keyboard.press("Enter");
    await text(page.locator(".copy-status"), "Copied to the clipboard.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.keyboard.press("Escape");
    await gone(page.getByRole("dialog"));
    await focused(create);

    await tabTo(page.getByRole("button", { name: "Rename keyboard-only" }));
    await page.keyboard.press("Enter");
    await focused(page.getByLabel("New name for key keyboard-only"));
    await page.keyboard.press("Control+A");
    await page.keyboard.type("keyboard-renamed");
    await page.keyboard.press("Enter");
    await count(row("keyboard-renamed"), 1);
    await focused(page.getByRole("button", { name: "Rename keyboard-renamed" }));

    await tabTo(page.getByRole("button", { name: "Revoke keyboard-renamed" }), 5); // past Edit limits and Roll
    await page.keyboard.press("Enter");
    await focused(page.getByRole("dialog").getByRole("button", { name: "Cancel" }));
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await gone(row("keyboard-renamed"));
    expect(await jobsStatus(projectId(), key)).toBe(401);
  }, 30_000);

  test("at 360 px the header leaves room for the page, and the inline rename field fits", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      expect(await keysHeading().evaluate((h) => h.getBoundingClientRect().top)).toBeLessThan(220);
      await page.getByRole("button", { name: "Rename price-tracker" }).click();
      await visible(page.getByLabel("New name for key price-tracker"));
      expect(await horizontalOverflow(page)).toBe(0);
      await page.keyboard.press("Escape");
      await focused(page.getByRole("button", { name: "Rename price-tracker" }));
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 30_000);

  test("on a wide screen the header, tabs and page share one centred column", async () => {
    await page.setViewportSize({ width: 1920, height: 1000 });
    try {
      const box = (selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
      const main = await box("main");
      expect(Math.abs(main.left - (1920 - main.right))).toBeLessThanOrEqual(1);
      expect((await box(".topbar-inner")).left).toBe(main.left);
      expect((await box(".tabs-inner")).left).toBe(main.left);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  }, 30_000);

  test("a new project can be created and picked from the switcher", async () => {
    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("Project name").fill("Price tracker");
    await page.getByRole("button", { name: "Create project" }).click();
    await selected(page.getByLabel("Project", { exact: true }), "Price tracker");
    await visible(page.getByRole("heading", { name: "No API keys yet" }));
    await page.getByLabel("Project", { exact: true }).selectOption({ label: "Default project" });
    await count(page.locator("tbody tr"), 4);
    await focused(page.getByLabel("Project", { exact: true }));
  }, 30_000);

  test("signing out ends the session for good; a wrong password is refused in words; signing in again works", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await text(page.getByRole("status"), "You are signed out.");
    await page.reload();
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await signInAs(page, person.email, "not-the-password");
    await text(page.getByRole("alert"), "The email or password is wrong.");
    await signInAs(page, person.email, person.password);
    await visible(keysHeading());
  }, 30_000);

  test("a member who may not revoke a colleague's key is told why next to the button, and sees no Members tab", async () => {
    const orgId = await page.getByLabel("Organization").inputValue();
    const adaToken = (await api("POST", "/auth/login", { email: person.email, password: person.password })).body.data.accessToken;
    const bob = { name: "Bob Builder", email: "bob@example.com", password: "bob-password-123" };
    expect((await api("POST", "/auth/register", bob)).status).toBe(201);
    expect((await api("POST", `/private/organizations/${orgId}/members`, { email: bob.email, role: "member" }, adaToken)).status).toBe(201);

    await page.getByRole("button", { name: "Sign out" }).click();
    await signInAs(page, bob.email, bob.password);
    await visible(keysHeading());
    await page.getByLabel("Organization").selectOption({ label: `${person.name}'s organization` });
    await text(row("price-tracker").locator('td[data-label="Belongs to"]'), person.name);
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
    await visible(keysHeading());
    const before = (await context.cookies())[0]!.value;
    const renewed = page.waitForResponse((r) => r.url().endsWith("/dashboard/session/refresh") && r.status() === 200);
    await page.clock.fastForward("14:30"); // the token lives 15 minutes; the page renews a minute early
    await renewed;
    await eventually("the session cookie to be replaced by the renewed one", async () =>
      expect((await context.cookies())[0]!.value).not.toBe(before),
    );
    await page.getByRole("link", { name: "Jobs" }).click();
    await visible(page.getByRole("heading", { name: "No jobs yet" }));
  }, 30_000);

  test("a session that ends while a page is open goes to sign-in, and signing in comes back to that page", async () => {
    await page.getByLabel("Status").selectOption({ label: "Failed" });
    await eventually("the address to hold the Failed filter", () => expect(page.url()).toEndWith("/jobs?status=failed"));
    const jobsPage = page.url();
    await killRefreshToken();
    await page.clock.fastForward("14:30"); // the renewal finds the session gone
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await text(page.getByRole("status"), "Your session has ended. Sign in again to continue.");
    await signInAs(page, "bob@example.com", "bob-password-123");
    await visible(page.getByRole("heading", { name: "Jobs", level: 1 }));
    expect(page.url()).toBe(jobsPage);
    await selected(page.getByLabel("Status"), "Failed");
  }, 30_000);

  test("a form sent after the session died (refresh token too) leads to sign-in, not to a 401 in the form, and back", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    const keysPage = page.url();
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await page.getByLabel("Key name").fill("after-sleep");
    await killRefreshToken();
    // The server cannot be made to see a token as expired ahead of time, so this one answer is
    // the one it gives for an expired access token; the refresh that follows is real and fails.
    const keysRoute = (url: URL) => url.pathname.endsWith("/api-keys");
    await page.route(keysRoute, (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 401,
            contentType: "application/json",
            body: JSON.stringify({
              error: {
                code: "invalid_token",
                message: "The session token is invalid or has expired. Log in again or refresh it.",
                requestId: "req_test",
              },
            }),
          })
        : route.fallback(),
    );
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    await page.unroute(keysRoute);
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain("invalid or has expired");
    await signInAs(page, "bob@example.com", "bob-password-123");
    await visible(keysHeading());
    expect(page.url()).toBe(keysPage);
  }, 30_000);

  test("too many failed sign-ins are refused with 429, said in words next to the form", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await visible(page.getByRole("heading", { name: "Sign in to the dashboard" }));
    for (let i = 0; i < 12; i++) {
      const answered = page.waitForResponse((r) => r.url().endsWith("/dashboard/session") && r.request().method() === "POST");
      await signInAs(page, person.email, `wrong-${i}`);
      if ((await answered).status() === 429) break;
    }
    await eventually("the sign-in form to say that there were too many attempts", async () =>
      expect(await page.getByRole("alert").textContent()).toMatch(/^Too many login attempts\. Try again in \d+ (second|minute)/),
    );
  }, 30_000);

  test("no script errors or Content-Security-Policy violations happened on the way", () => {
    expect(problems).toEqual([]);
  });
});
