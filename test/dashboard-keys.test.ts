import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { count, focused, gone, hasChromium, startServerAndBrowser, text, visible } from "./helpers/browser";
import { apiCall, checkView, keyRow, signInAs } from "./helpers/dashboard";
import { eventually } from "./helpers/eventually";
import type { StartedServer } from "./helpers/server";

/**
 * The key lifecycle in the dashboard (Debian's Chromium against a real server): create with
 * presets for expiry and access, addresses and limits; edit limits; roll with a grace period;
 * the revoked view with reasons; the banner for keys expiring soon; service accounts. What the
 * page sends is read back from the API, and each view passes axe and fits at 360 and 1440 px.
 */
let server: StartedServer;
let page: Page;
let problems: string[];
let closeServerAndBrowser: () => Promise<void>;
const ada = { name: "Ada Lovelace", email: "ada@example.com", password: "correct-horse-battery" };
let token: string;
let projectId: string;
let orgId: string;
const DAY = 86_400_000;

const api = (method: string, path: string, body?: unknown, auth = token) => apiCall(server.baseUrl, method, path, body, auth);
const row = (name: string) => keyRow(page, name);
const dialog = () => page.getByRole("dialog");
const keysHeading = () => page.getByRole("heading", { name: "API keys", level: 1 });

async function keyByName(name: string, status = "all") {
  const keys = (await api("GET", `/private/projects/${projectId}/api-keys?status=${status}`)).body.data as any[];
  return keys.find((k) => k.name === name);
}
const jobsStatus = async (key: string) =>
  (await fetch(`${server.baseUrl}/projects/${projectId}/jobs`, { headers: { authorization: `Bearer ${key}` } })).status;

/** Copies the once-shown key, closes the dialog and returns the key. */
async function copyAndClose(): Promise<string> {
  const field = page.getByLabel("Your new API key");
  await visible(field);
  const key = await field.inputValue();
  await dialog().getByRole("button", { name: "Copy", exact: true }).click();
  await visible(page.getByText("Copied to the clipboard."));
  await dialog().getByRole("button", { name: "Done" }).click();
  await gone(dialog());
  return key;
}

/** Tabs until `target` has focus, as a keyboard user would. */
async function tabTo(target: ReturnType<Page["locator"]>, limit = 60, key: "Tab" | "Shift+Tab" = "Tab"): Promise<void> {
  for (let i = 0; i < limit && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press(key);
  await focused(target);
}

describe.skipIf(!hasChromium)("the dashboard in a real browser: key lifecycle and service accounts", () => {
  beforeAll(async () => {
    ({
      server,
      page,
      problems,
      close: closeServerAndBrowser,
    } = await startServerAndBrowser({ KEY_USAGE_FLUSH_MS: "50", LOG_REQUESTS: "false" }, { clipboard: true }));
    expect((await api("POST", "/auth/register", ada, undefined)).status).toBe(201);
    token = (await api("POST", "/auth/login", { email: ada.email, password: ada.password }, undefined)).body.data.accessToken;
    ({ id: projectId, organizationId: orgId } = (await api("GET", "/private/projects")).body.data[0]);
    await page.goto("/");
    await signInAs(page, ada.email, ada.password);
    await visible(keysHeading());
  }, 180_000);

  afterAll(() => closeServerAndBrowser?.());

  test("Create key with presets: read only, 30 days, allowed addresses, a credit cap and a rate limit, as the API then says", async () => {
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await page.getByLabel("Key name").fill("nightly-scrape");
    await page.getByLabel("Expires").selectOption({ label: "In 30 days" });
    await page.getByLabel("Read only").check();
    await page.getByLabel("Allowed addresses").fill("203.0.113.0/24\n2001:db8::/32");
    await page.getByLabel("Credit cap", { exact: true }).fill("500");
    await page.getByLabel("Cap period").selectOption({ label: "per month (UTC)" });
    await page.getByLabel("Jobs per second").fill("2");
    await page.getByLabel("Burst").fill("10");
    await checkView(page, "create-key-dialog-limits", () => visible(page.getByLabel("Burst")));
    const before = Date.now();
    await dialog().getByRole("button", { name: "Create key" }).click();
    const key = await copyAndClose();

    const saved = await keyByName("nightly-scrape");
    expect(saved).toMatchObject({
      scopes: ["projects:read", "jobs:read"],
      allowedIps: ["203.0.113.0/24", "2001:db8::/32"],
      creditLimit: { amount: 500, period: "month" },
      rateLimit: { perSecond: 2, burst: 10 },
      serviceAccountId: null,
    });
    expect(Math.abs(new Date(saved.expiresAt).getTime() - (before + 30 * DAY))).toBeLessThan(60_000);
    expect(await jobsStatus(key)).toBe(403); // 127.0.0.1 is not among the allowed addresses

    const cells = row("nightly-scrape");
    await text(cells.locator('td[data-label="Status"] .status'), "Expires in 30 days");
    await text(cells.locator('td[data-label="Access"]'), "Read only203.0.113.0/24, 2001:db8::/32");
    await text(cells.locator('td[data-label="Limits"]'), "500 credits a month2 jobs/s, bursts of 10");
    await text(cells.locator('td[data-label="Belongs to"]'), "You");
  }, 60_000);

  test("the form checks its fields before sending: a day in the past, no scope chosen, half a rate limit", async () => {
    const posts: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) =>
      r.method() === "POST" && r.url().endsWith("/api-keys") && posts.push(r.url());
    page.on("request", onRequest);
    try {
      await page.getByRole("button", { name: "Create key", exact: true }).click();
      await page.getByLabel("Key name").fill("checked");
      await page.getByLabel("Expires").selectOption({ label: "On a day I pick" });
      await page.getByLabel("Expiry date").fill("2020-01-01");
      await page.getByLabel("Choose").check();
      for (const scope of ["Read the project", "List and read jobs", "Submit and cancel jobs"])
        await page.getByRole("checkbox", { name: scope }).uncheck();
      await dialog().getByRole("button", { name: "Create key" }).click();
      await text(page.getByText("Pick a day after today."), "Pick a day after today.");
      await focused(page.getByLabel("Expiry date"));
      await text(page.getByText("Pick at least one thing the key may do."), "Pick at least one thing the key may do.");

      await page.getByLabel("Expiry date").fill(new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10));
      await page.getByRole("checkbox", { name: "List and read jobs" }).check();
      await page.getByLabel("Jobs per second").fill("3");
      await dialog().getByRole("button", { name: "Create key" }).click();
      await text(
        page.getByText("Give both numbers of the rate limit, or neither for the project's limit."),
        "Give both numbers of the rate limit, or neither for the project's limit.",
      );
      await focused(page.getByLabel("Burst"));
      expect(posts).toEqual([]);
      await page.keyboard.press("Escape");
      await gone(dialog());
    } finally {
      page.off("request", onRequest);
    }
  }, 60_000);

  test("Edit limits starts from the key's values; full access, no expiry and any address are saved as such", async () => {
    await page.getByRole("button", { name: "Edit limits of nightly-scrape" }).click();
    await visible(dialog());
    expect(await page.getByLabel("Read only").isChecked()).toBe(true);
    expect(await page.getByLabel("Allowed addresses").inputValue()).toBe("203.0.113.0/24\n2001:db8::/32");
    expect(await page.getByLabel("Credit cap", { exact: true }).inputValue()).toBe("500");
    await checkView(page, "edit-key-dialog", () => visible(page.getByLabel("Burst")));
    await page.getByLabel("Expires").selectOption({ label: "Never" });
    await page.getByLabel("Full access").check();
    await page.getByLabel("Allowed addresses").fill("");
    await page.getByLabel("Credit cap", { exact: true }).fill("");
    const patch = page.waitForRequest((r) => r.method() === "PATCH");
    await dialog().getByRole("button", { name: "Save limits" }).click();
    // Only the changed fields are sent: the rate limit was left alone.
    expect(Object.keys((await patch).postDataJSON()).sort()).toEqual(["allowedIps", "creditLimit", "expiresAt", "scopes"]);
    await gone(dialog());
    await focused(page.getByRole("button", { name: "Edit limits of nightly-scrape" }));
    await text(row("nightly-scrape").locator('td[data-label="Status"] .status'), "Active");
    await text(row("nightly-scrape").locator('td[data-label="Access"]'), "Full accessAny address");
    expect(await keyByName("nightly-scrape")).toMatchObject({
      expiresAt: null,
      scopes: ["projects:read", "jobs:read", "jobs:write"],
      allowedIps: null,
      creditLimit: null,
      rateLimit: { perSecond: 2, burst: 10 },
    });
  }, 60_000);

  test("Roll shows the new key once with the old key's end, the server's; both keys work during the grace", async () => {
    const old = (await api("POST", `/private/projects/${projectId}/api-keys`, { name: "rolling" })).body.data;
    await page.getByRole("link", { name: "Jobs" }).click();
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByRole("button", { name: "Roll rolling" }).click();
    await page.getByLabel("The old key keeps working for").selectOption({ label: "1 hour" });
    await checkView(page, "roll-key-dialog", () => visible(page.getByLabel("The old key keeps working for")));
    await dialog().getByRole("button", { name: "Roll key" }).click();
    const field = page.getByLabel("Your new API key");
    await visible(field);
    await page.keyboard.press("Escape"); // not copied yet: the guard asks first
    await focused(page.getByRole("button", { name: "Keep it open" }));
    await page.getByRole("button", { name: "Keep it open" }).click();

    const all = (await api("GET", `/private/projects/${projectId}/api-keys?status=all`)).body.data as any[];
    const endsAt = all.find((k) => k.id === old.id).revokedAt;
    const shown = await page.locator("[data-old-key-ends] time").getAttribute("datetime");
    expect(shown).toBe(endsAt);
    expect(Math.abs(new Date(endsAt).getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);
    const fresh = await copyAndClose();
    expect(await jobsStatus(fresh)).toBe(200);
    expect(await jobsStatus(old.key)).toBe(200);
    await text(page.locator(`tr[data-key-id="${old.id}"] td[data-label="Status"] .status`), "Ends in 1 hour (rolled)");
    expect(await page.locator(`tr[data-key-id="${old.id}"]`).getByRole("button", { name: /^Roll/ }).count()).toBe(0);
  }, 60_000);

  test("the Revoked view (kept in the address) lists revoked keys with the reason; search filters by name", async () => {
    const gone1 = (await api("POST", `/private/projects/${projectId}/api-keys`, { name: "old-export" })).body.data;
    expect((await api("DELETE", `/private/projects/${projectId}/api-keys/${gone1.id}`)).status).toBe(200);
    const rolled = (await api("POST", `/private/projects/${projectId}/api-keys`, { name: "rolled-now" })).body.data;
    expect((await api("POST", `/private/projects/${projectId}/api-keys/${rolled.id}/roll`, { gracePeriodSeconds: 0 })).status).toBe(201);

    await page.getByLabel("Show").focus();
    await page.getByLabel("Show").selectOption({ label: "Revoked" });
    await eventually("the address to hold the Revoked filter", () => expect(page.url()).toEndWith("/keys?status=revoked"));
    await focused(page.getByLabel("Show"));
    const rows = page.locator("tbody tr");
    await count(rows, 2);
    await text(row("old-export").locator('td[data-label="Status"] .status'), "Revoked: revoked by hand");
    await text(page.locator(`tr[data-key-id="${rolled.id}"] td[data-label="Status"] .status`), "Revoked: replaced by a roll");
    expect(await rows.getByRole("button").count()).toBe(0);
    await checkView(page, "keys-revoked", () => visible(rows.first()));
    await page.getByLabel("Search keys by name").fill("export");
    await count(rows, 1);
    await page.reload();
    await visible(row("old-export"));
    await page.getByLabel("Show").selectOption({ label: "Active and expired" });
    await visible(row("nightly-scrape"));
    expect(await row("old-export").count()).toBe(0);
  }, 60_000);

  test("a banner names the keys expiring soon in every project, with a link to each", async () => {
    const other = (await api("POST", `/private/organizations/${orgId}/projects`, { name: "Price tracker" })).body.data;
    const expiresAt = new Date(Date.now() + 3 * DAY).toISOString();
    expect((await api("POST", `/private/projects/${other.id}/api-keys`, { name: "tracker-ci", expiresAt })).status).toBe(201);
    await page.getByRole("link", { name: "Jobs" }).click();
    await page.getByRole("link", { name: "API keys" }).click();
    const banner = page.getByRole("region", { name: "A key expires soon" });
    await visible(banner);
    expect(await banner.textContent()).toContain("tracker-ci");
    expect(await banner.textContent()).toContain("in Price tracker: expires in 3 days");
    expect(await banner.getByRole("link", { name: "tracker-ci" }).getAttribute("href")).toBe(`#/projects/${other.id}/keys`);
    await checkView(page, "keys-lifecycle", () => visible(row("nightly-scrape")));
  }, 60_000);

  test("keyboard only: create a read-only key, edit its limits, roll it, revoke the new one", async () => {
    const create = page.locator("#create-key");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(create);
    await page.keyboard.press("Enter");
    await focused(page.getByLabel("Key name"));
    await page.keyboard.type("by-keyboard");
    await tabTo(page.getByLabel("Full access"));
    await page.keyboard.press("ArrowDown"); // radios: Full access → Read only
    await focused(page.getByLabel("Read only"));
    await tabTo(dialog().getByRole("button", { name: "Create key" }));
    await page.keyboard.press("Enter");
    const field = page.getByLabel("Your new API key");
    await focused(field);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter"); // Copy
    await text(page.locator(".copy-status"), "Copied to the clipboard.");
    await page.keyboard.press("Escape");
    await gone(dialog());
    expect((await keyByName("by-keyboard")).scopes).toEqual(["projects:read", "jobs:read"]);

    await tabTo(page.getByRole("button", { name: "Edit limits of by-keyboard" }));
    await page.keyboard.press("Enter");
    await tabTo(page.getByLabel("Credit cap", { exact: true }));
    await page.keyboard.type("25");
    await page.keyboard.press("Enter");
    await gone(dialog());
    await focused(page.getByRole("button", { name: "Edit limits of by-keyboard" }));
    await eventually("the API to show by-keyboard's new credit cap", async () =>
      expect((await keyByName("by-keyboard")).creditLimit).toEqual({ amount: 25, period: "day" }),
    );

    await tabTo(page.getByRole("button", { name: "Roll by-keyboard" }), 5);
    await page.keyboard.press("Enter");
    await focused(page.getByLabel("The old key keeps working for"));
    await tabTo(dialog().getByRole("button", { name: "Roll key" })); // with the default grace, 24 hours
    await page.keyboard.press("Enter");
    await focused(page.getByLabel("Your new API key"));
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await text(page.locator(".copy-status"), "Copied to the clipboard.");
    await page.keyboard.press("Escape");
    await gone(dialog());
    const keys = (await api("GET", `/private/projects/${projectId}/api-keys`)).body.data.filter((k: any) => k.name === "by-keyboard");
    expect(keys).toHaveLength(2);
    const fresh = keys.find((k: any) => k.rolledFromId)!;

    await tabTo(page.locator(`tr[data-key-id="${fresh.id}"]`).getByRole("button", { name: "Revoke by-keyboard" }), 60, "Shift+Tab");
    await page.keyboard.press("Enter");
    await focused(dialog().getByRole("button", { name: "Cancel" }));
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await gone(page.locator(`tr[data-key-id="${fresh.id}"]`));
    expect((await keyByName("by-keyboard", "revoked"))?.id).toBe(fresh.id);
  }, 90_000);

  test("Service accounts: create one (its key shown once), its keys belong to it, deleting it revokes them", async () => {
    await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name: "Service accounts" }).click();
    await visible(page.getByRole("heading", { name: "Service accounts", level: 1 }));
    await visible(page.getByRole("heading", { name: "No service accounts yet" }));
    await page.getByRole("button", { name: "New service account" }).click();
    await page.getByLabel("Service account name").fill("deploy-bot");
    await dialog().getByRole("button", { name: "Create service account" }).click();
    const key = await copyAndClose();
    expect(await jobsStatus(key)).toBe(200);
    const rows = page.locator("tbody tr");
    await count(rows, 1);
    await text(rows.first().locator('td[data-label="Name"]'), "deploy-bot");
    await text(rows.first().locator('td[data-label="Active keys"]'), "1");
    await text(rows.first().locator('td[data-label="Created by"]'), "You");
    await checkView(page, "service-accounts", () => visible(rows.first()));

    await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name: "API keys" }).click();
    await text(row("deploy-bot").locator('td[data-label="Belongs to"]'), "Service account deploy-bot");
    // A second key for it, from Create key.
    await page.getByRole("button", { name: "Create key", exact: true }).click();
    await page.getByLabel("Key name").fill("deploy-bot-spare");
    await page.getByLabel("Belongs to").selectOption({ label: "Service account deploy-bot" });
    await dialog().getByRole("button", { name: "Create key" }).click();
    const spare = await copyAndClose();
    await text(row("deploy-bot-spare").locator('td[data-label="Belongs to"]'), "Service account deploy-bot");

    await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name: "Service accounts" }).click();
    await text(rows.first().locator('td[data-label="Active keys"]'), "2");
    await page.getByRole("button", { name: "Delete deploy-bot" }).click();
    await dialog().getByRole("button", { name: "Delete “deploy-bot”" }).click();
    await visible(page.getByRole("heading", { name: "No service accounts yet" }));
    expect([await jobsStatus(key), await jobsStatus(spare)]).toEqual([401, 401]);
    expect((await keyByName("deploy-bot")).revokedReason).toBe("service_account_deleted");
  }, 60_000);

  test("no script errors or Content-Security-Policy violations happened on the way", () => {
    expect(problems).toEqual([]);
  });
});
