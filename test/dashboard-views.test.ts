import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { count, gone, hasChromium, selected, startServerAndBrowser, text, visible } from "./helpers/browser";
import { apiCall, checkView, signInAs } from "./helpers/dashboard";
import { eventually } from "./helpers/eventually";
import type { StartedServer } from "./helpers/server";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

/**
 * The dashboard's Jobs, job detail, Credits, Members, Webhooks and Quick start views in Debian's Chromium,
 * against a real server whose worker scrapes a local site. Each view passes axe and fits at 360
 * and 1440 px; what it shows is compared with what the API says.
 */
let server: StartedServer;
let site: TargetSite;
let page: Page;
let problems: string[];
let closeServerAndBrowser: () => Promise<void>;
const ada = { name: "Ada Lovelace", email: "ada@example.com", password: "correct-horse-battery" };
let token: string;
let projectId: string;
let orgId: string;
const keys: Record<"scraper" | "other", { id: string; key: string }> = {} as never;
const jobIds: Record<"succeeded" | "failed" | "other", string> = {} as never;

const api = (method: string, path: string, body?: unknown, auth = token) => apiCall(server.baseUrl, method, path, body, auth);

async function submit(key: string, url: string, options?: object): Promise<string> {
  const res = await api("POST", `/projects/${projectId}/jobs`, { url, options }, key);
  expect(res.status).toBe(202);
  return res.body.data.id;
}

async function jobStatus(id: string): Promise<string> {
  return (await api("GET", `/projects/${projectId}/jobs/${id}`)).body.data.status;
}

const until = (id: string, statuses: string[]) =>
  eventually(`job ${id} to be ${statuses.join(" or ")}`, async () => expect(statuses).toContain(await jobStatus(id)), {
    timeoutMs: 20_000,
  });

/** Opens a project tab from the tab bar. */
async function openTab(name: string): Promise<void> {
  await page.getByRole("navigation", { name: "Project sections" }).getByRole("link", { name, exact: true }).click();
  await visible(page.getByRole("heading", { name, level: 1 }));
}

describe.skipIf(!hasChromium)("the dashboard in a real browser: jobs, credits, members, quick start", () => {
  beforeAll(async () => {
    site = startTargetSite();
    ({
      server,
      page,
      problems,
      close: closeServerAndBrowser,
    } = await startServerAndBrowser({
      ALLOW_PRIVATE_TARGETS: "true",
      ALLOWED_TARGET_PORTS: "*",
      WORKER_POLL_MS: "50",
      WORKER_CONCURRENCY: "1", // one held job keeps the next one queued
      ADMIN_EMAILS: ada.email,
      LOG_REQUESTS: "false",
      KEY_USAGE_FLUSH_MS: "50",
      // A receiver that keeps failing is disabled within seconds, for the Webhooks view.
      WEBHOOK_POLL_MS: "50",
      WEBHOOK_RETRY_BASE_MS: "100",
      WEBHOOK_DISABLE_AFTER_MS: "1000",
    }));
    expect((await api("POST", "/auth/register", ada, undefined)).status).toBe(201);
    token = (await api("POST", "/auth/login", { email: ada.email, password: ada.password }, undefined)).body.data.accessToken;
    const project = (await api("GET", "/private/projects")).body.data[0];
    ({ id: projectId, organizationId: orgId } = project);
    for (const name of ["scraper", "other"] as const) {
      const created = (await api("POST", `/private/projects/${projectId}/api-keys`, { name })).body.data;
      keys[name] = { id: created.id, key: created.key };
    }
    jobIds.succeeded = await submit(keys.scraper.key, `${site.url}/page`);
    jobIds.failed = await submit(keys.scraper.key, `${site.url}/status/503`);
    jobIds.other = await submit(keys.other.key, `${site.url}/other`);
    for (const id of [jobIds.succeeded, jobIds.failed, jobIds.other]) await until(id, ["succeeded", "failed"]);

    await page.goto("/");
    await signInAs(page, ada.email, ada.password);
    await visible(page.getByRole("heading", { name: "API keys", level: 1 }));
  }, 180_000);

  afterAll(async () => {
    await closeServerAndBrowser?.();
    site?.stop();
  });

  test("Jobs lists every job with its key, and filters by status and by key (kept in the address)", async () => {
    await openTab("Jobs");
    const rows = page.locator("tbody tr");
    await count(rows, 3);
    await text(rows.first().locator('td[data-label="Key"]'), "other");
    await text(rows.nth(1).locator('td[data-label="Status"]'), "Failed");
    await text(rows.nth(2).locator('td[data-label="Status"]'), "Succeeded");
    await checkView(page, "jobs", () => visible(rows.first()));

    await page.getByLabel("Status").selectOption({ label: "Failed" });
    await count(rows, 1);
    await text(rows.first().locator("a"), `${site.url}/status/503`);
    expect(page.url()).toEndWith("/jobs?status=failed");
    await page.getByLabel("Status").selectOption({ label: "Any status" });
    await page.getByLabel("Key", { exact: true }).selectOption({ label: "other" });
    await count(rows, 1);
    await text(rows.first().locator("a"), `${site.url}/other`);
    await page.reload();
    await selected(page.getByLabel("Key", { exact: true }), "other");
    await count(rows, 1);
  }, 60_000);

  test("a succeeded job opens into its options, timing and result: title, text preview and links", async () => {
    await page.goto(`/#/projects/${projectId}/jobs`);
    await page.getByRole("link", { name: `${site.url}/page`, exact: true }).click();
    await visible(page.getByRole("heading", { name: "Job", level: 1 }));
    const result = page.getByRole("region", { name: "Result" });
    await visible(result);
    const job = (await api("GET", `/projects/${projectId}/jobs/${jobIds.succeeded}`)).body.data;
    expect(await result.textContent()).toContain(job.result.title); // "Welcome page"
    expect(await result.locator(".text-preview").textContent()).toBe(job.result.text);
    expect(await result.locator(".links a").evaluateAll((as) => as.map((a) => a.textContent))).toEqual(job.result.links);
    expect(await page.getByRole("region", { name: "Options" }).textContent()).toContain("15 s");
    expect(await page.getByRole("region", { name: "Summary" }).textContent()).toContain("scraper");
    await text(
      page.getByRole("region", { name: "Timing" }).locator("dd").nth(1).locator("time"),
      await page.evaluate(
        (iso) => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" }).format(new Date(iso)),
        job.startedAt,
      ),
    );
    await checkView(page, "job-succeeded", () => visible(result));
  }, 60_000);

  test("a failed job says why in words, with the API's details and code", async () => {
    await page.goto(`/#/projects/${projectId}/jobs/${jobIds.failed}`);
    const why = page.getByRole("region", { name: "Why it failed" });
    await visible(why);
    const outcome = await why.textContent();
    expect(outcome).toContain("The site answered with a server error (5xx).");
    expect(outcome).toContain("target_error (the site answered 503)");
    expect(outcome).toContain("A failed job costs nothing");
    await checkView(page, "job-failed", () => visible(why));
  }, 60_000);

  test("a queued job can be canceled from its page, and its credit is given back", async () => {
    // The only worker slot is taken by a job whose page answers when the test says so (within the
    // job's 60 s limit), so the next job stays queued until it is canceled.
    let answer = () => {};
    const held = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 0,
      fetch: () =>
        new Promise<Response>(
          (resolve) => (answer = () => resolve(new Response("<title>Held</title>", { headers: { "content-type": "text/html" } }))),
        ),
    });
    try {
      const heldJob = await submit(keys.scraper.key, `http://127.0.0.1:${held.port}/`, { timeoutMs: 60_000 });
      await until(heldJob, ["running"]);
      const queued = await submit(keys.scraper.key, `${site.url}/page?later`);
      await page.goto(`/#/projects/${projectId}/jobs/${queued}`);
      const cancel = page.getByRole("button", { name: "Cancel job" });
      await visible(cancel);
      await checkView(page, "job-queued", () => visible(cancel));
      const before = (await api("GET", `/private/organizations/${orgId}/credits`)).body.data.balance;
      await cancel.click();
      await text(page.getByRole("region", { name: "Summary" }).locator(".status"), "Canceled");
      expect(await page.getByRole("button", { name: "Cancel job" }).count()).toBe(0);
      expect(await jobStatus(queued)).toBe("canceled");
      expect((await api("GET", `/private/organizations/${orgId}/credits`)).body.data.balance).toBe(before + 1);
      answer();
      await until(heldJob, ["succeeded"]);
    } finally {
      answer();
      held.stop(true);
    }
  }, 90_000);

  test("Credits shows the organization's balance and its whole ledger, a page at a time, as the API does", async () => {
    for (let i = 0; i < 30; i++)
      expect((await api("POST", `/private/organizations/${orgId}/credits/grants`, { amount: 5, note: `Top-up ${i + 1}` })).status).toBe(
        201,
      );
    const entries: unknown[] = [];
    let balance = 0;
    for (let cursor: string | null = ""; cursor !== null; ) {
      const res = await api("GET", `/private/organizations/${orgId}/credits?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      balance = res.body.data.balance;
      entries.push(...res.body.data.entries);
      cursor = res.body.nextCursor;
    }
    await openTab("Credits");
    await text(page.locator(".balance-number"), new Intl.NumberFormat().format(balance));
    const rows = page.locator("tbody tr");
    await count(rows, 25);
    await text(rows.first().locator('td[data-label="Note"]'), "Top-up 30");
    await text(rows.first().locator('td[data-label="Change"]'), "+5");
    await checkView(page, "credits", () => visible(rows.first()));
    await page.getByRole("button", { name: "Show older entries" }).click();
    await count(rows, entries.length);
    expect(await page.getByRole("button", { name: "Show older entries" }).count()).toBe(0);
    await text(rows.last().locator('td[data-label="What"]'), "Credits added"); // the sign-up grant
  }, 60_000);

  test("Members adds an account by email (however long) and removes it behind a confirmation", async () => {
    const long = {
      name: "Grace Hopper",
      email: `grace.brewster.murray.hopper.of.the.navy.${"x".repeat(40)}@example.com`,
      password: "grace-password-1",
    };
    expect((await api("POST", "/auth/register", long, undefined)).status).toBe(201);
    await openTab("Members");
    await page.getByRole("button", { name: "Add member" }).click();
    await text(page.getByText("Email of an existing account is required."), "Email of an existing account is required.");
    await page.getByLabel("Email of an existing account").fill(long.email);
    await page.getByRole("button", { name: "Add member" }).click();
    const rows = page.locator("tbody tr");
    await count(rows, 2);
    await checkView(page, "members", () => visible(rows.nth(1)));
    await page.getByRole("button", { name: "Remove Grace Hopper" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove Grace Hopper" }).click();
    await count(rows, 1);
    expect((await api("GET", `/private/organizations/${orgId}/members`)).body.data).toHaveLength(1);
  }, 60_000);

  test("Webhooks says the server disabled an endpoint that kept failing, and Enable turns it back on", async () => {
    const hooks = `/private/projects/${projectId}/webhooks`;
    const url = `${site.url}/status/500`;
    const created = await api("POST", hooks, { url, events: ["job.failed"] });
    expect(created.status).toBe(201);
    expect((await api("POST", `${hooks}/${created.body.data.id}/test`)).status).toBe(202);
    await eventually(
      "the failing endpoint to be disabled",
      async () => expect((await api("GET", hooks)).body.data[0].disabledReason).toBe("failing"),
      { timeoutMs: 20_000 },
    );
    await openTab("Webhooks");
    await visible(page.getByText("The server disabled an endpoint whose deliveries kept failing."));
    await visible(page.getByText("Disabled after failing since"));
    await checkView(page, "webhooks", () => visible(page.locator("tbody tr").first()));
    await page.getByRole("button", { name: `Enable ${url}` }).click();
    await visible(page.getByRole("button", { name: `Send test to ${url}` }));
    expect((await api("GET", hooks)).body.data[0]).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });
    await page.getByRole("button", { name: `Delete ${url}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete endpoint" }).click();
    await visible(page.getByText("No webhook endpoints yet."));
    expect((await api("GET", hooks)).body.data).toEqual([]);
  }, 60_000);

  test("Webhooks: Add endpoint shows the secret once; its page pings, lists deliveries with retry, rotates the secret, edits events", async () => {
    const hooks = `/private/projects/${projectId}/webhooks`;
    const url = `${site.url}/page`;
    await openTab("Webhooks");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByLabel("Endpoint URL").fill("not a url");
    await page.getByRole("dialog").getByRole("button", { name: "Add endpoint" }).click();
    await visible(page.getByText("Enter an http or https URL"));
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description").fill("Price alerts");
    await checkView(page, "webhook-add-dialog", () => visible(page.getByLabel("Endpoint URL")));
    await page.getByRole("dialog").getByRole("button", { name: "Add endpoint" }).click();
    const secretField = page.getByRole("textbox", { name: "Signing secret" });
    await visible(secretField);
    expect(await secretField.inputValue()).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    await page.keyboard.press("Escape"); // not copied: asks first
    await visible(page.getByText("You have not copied the secret."));
    await page.getByRole("button", { name: "Close without copying" }).click();
    const [endpoint] = (await api("GET", hooks)).body.data;
    expect(endpoint).toMatchObject({ url, description: "Price alerts", events: ["job.succeeded", "job.failed"], enabled: true });

    await page.getByRole("link", { name: url }).click();
    await visible(page.getByRole("heading", { name: "Webhook", level: 1 }));
    await page.getByRole("button", { name: "Send test" }).click();
    const rows = page.locator("tbody tr");
    await count(rows, 1);
    await eventually(
      "the endpoint's page to show the delivery as delivered",
      async () => {
        await page.getByRole("link", { name: "Jobs" }).click(); // reopening the page reloads its deliveries
        await page.goto(`/#/projects/${projectId}/webhooks/${endpoint.id}`);
        expect(await rows.first().locator('td[data-label="Status"]').textContent()).toBe("Delivered");
      },
      { timeoutMs: 20_000 },
    );
    const [delivery] = (await api("GET", `${hooks}/${endpoint.id}/deliveries`)).body.data;
    await text(rows.first().locator('td[data-label="Event"]'), "webhook.ping");
    expect(await rows.first().locator('td[data-label="Last attempt"]').textContent()).toStartWith(
      `HTTP ${delivery.attempts.at(-1).responseStatus} after `,
    );
    await checkView(page, "webhook", () => visible(rows.first()));
    await rows
      .first()
      .getByRole("button", { name: /^Send again/ })
      .click();
    await eventually(
      "the delivery's second attempt",
      async () => expect((await api("GET", `${hooks}/${endpoint.id}/deliveries`)).body.data[0].attempts.length).toBe(2),
      { timeoutMs: 20_000 },
    );

    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Rotate secret" }).click();
    const rotated = page.getByRole("textbox", { name: "Signing secret" });
    await visible(rotated);
    await rotated.press("Control+C"); // copied by hand counts as copied
    await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
    await gone(page.getByRole("dialog"));

    await page.getByRole("button", { name: "Edit endpoint" }).click();
    await page.getByRole("checkbox", { name: /^Credits fell under/ }).check();
    await page.getByRole("checkbox", { name: /^Enabled/ }).uncheck();
    await page.getByRole("dialog").getByRole("button", { name: "Save endpoint" }).click();
    await gone(page.getByRole("dialog"));
    await visible(page.getByText("Paused"));
    expect((await api("GET", hooks)).body.data[0]).toMatchObject({
      events: ["job.succeeded", "job.failed", "credits.low"],
      enabled: false,
    });
  }, 90_000);

  test("Credits: an owner sets the low-balance alert and turns it off, as the API then says", async () => {
    await openTab("Credits");
    const field = page.getByLabel("Alert when the balance falls under");
    await field.fill("0");
    await page.getByRole("button", { name: "Save alert" }).click();
    await visible(page.getByText("Alert when the balance falls under must be at least 1."));
    await field.fill("100");
    await page.getByRole("button", { name: "Save alert" }).click();
    await visible(page.getByText("On: a credits.low event goes to webhooks when the balance falls under 100 credits"));
    expect((await api("GET", `/private/organizations/${orgId}/credits`)).body.data.lowThreshold).toBe(100);
    await checkView(page, "credits-alert", () => visible(field));
    await page.getByRole("button", { name: "Turn off" }).click();
    await visible(page.getByText(/^Off\./));
    expect((await api("GET", `/private/organizations/${orgId}/credits`)).body.data.lowThreshold).toBe(null);
  }, 60_000);

  test("Usage: the charts' numbers, the totals in words and the per-key table equal the API's, for the project and for one key", async () => {
    const sum = (figure: string, series: string) =>
      page
        .locator("figure", { has: page.locator("figcaption", { hasText: figure }) })
        .locator(`rect[data-series="${series}"]`)
        .evaluateAll((rects) => rects.reduce((total, r) => total + Number(r.getAttribute("data-value")), 0));
    const since = new Date(Date.now() - 86_400_000).toISOString();
    const projectUsage = async () => (await api("GET", `/private/projects/${projectId}/usage?from=${since}`)).body.data;

    await openTab("Usage");
    await page.getByLabel("Period").selectOption({ label: "Last 24 hours" });
    await eventually("the address to hold the 24-hour range", () => expect(page.url()).toContain("range=24h"));
    // Counters are flushed every 50 ms here; read both sides again until they agree.
    await eventually(
      "the project's charts, totals and per-key table to equal the API's usage",
      async () => {
        await page.reload();
        await visible(page.locator("[data-usage-totals]"));
        const { totals, keys } = await projectUsage();
        expect(await sum("Requests by outcome", "OK (2xx)")).toBe(totals.requests.ok);
        expect(await sum("Jobs", "Succeeded")).toBe(totals.jobs.succeeded);
        expect(await sum("Jobs", "Failed")).toBe(totals.jobs.failed);
        expect(await sum("Credits", "Charged")).toBe(totals.credits.charged);
        expect(await page.locator('[data-total="jobs"]').textContent()).toBe(
          `${totals.jobs.submitted} submitted: ${totals.jobs.succeeded} succeeded, ${totals.jobs.failed} failed`,
        );
        for (const key of keys.filter((k: any) => k.totals.requests.total > 0)) {
          await text(
            page.locator(`tr[data-usage-key="${key.keyId}"] td[data-label="Credits charged"]`),
            String(key.totals.credits.charged),
          );
        }
        const top = [...keys].sort((a: any, b: any) => b.totals.credits.charged - a.totals.credits.charged)[0];
        expect(await page.locator("[data-top-spender]").textContent()).toStartWith(`${top.name} spent the most credits`);
      },
      { timeoutMs: 20_000 },
    );
    // The project's chart comes with the project's usage: one request, none per key.
    const usageCalls: string[] = [];
    const onRequest = (request: { url(): string }) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith("/usage")) usageCalls.push(path);
    };
    page.on("request", onRequest);
    await page.reload();
    await visible(page.locator("[data-usage-totals]"));
    page.off("request", onRequest);
    expect(usageCalls).toEqual([`/private/projects/${projectId}/usage`]);
    await checkView(page, "usage", () => visible(page.locator("[data-usage-totals]")));

    // A key's name in the table opens its own charts, as the Key filter does.
    await page.locator(`tr[data-usage-key="${keys.scraper.id}"]`).getByRole("link", { name: "scraper" }).click();
    await selected(page.getByLabel("Key", { exact: true }), `scraper (azs_••••${keys.scraper.key.slice(-4)})`);
    await eventually(
      "the scraper key's charts to equal the API's usage of that key",
      async () => {
        const usage = (await api("GET", `/private/projects/${projectId}/api-keys/${keys.scraper.id}/usage?from=${since}`)).body.data;
        expect(await sum("Requests by outcome", "OK (2xx)")).toBe(usage.totals.requests.ok);
        expect(await sum("Jobs", "Succeeded")).toBe(usage.totals.jobs.succeeded);
        expect(await sum("Credits", "Charged")).toBe(usage.totals.credits.charged);
        // Bar by bar: each of the key's hourly buckets is the bar of its hour.
        const bars = await page
          .locator("figure", { has: page.locator("figcaption", { hasText: "Jobs" }) })
          .locator("g[data-bar]")
          .evaluateAll((gs) =>
            gs.map((g) => [...g.querySelectorAll("rect")].reduce((t, r) => t + Number(r.getAttribute("data-value")), 0)),
          );
        expect(bars.filter((b) => b > 0)).toEqual(usage.buckets.map((b: any) => b.jobs.submitted).filter((n: number) => n > 0));
      },
      { timeoutMs: 20_000 },
    );
  }, 90_000);

  test("Audit log: who did what to which target, from where and when, filtered by action and place, as the API says", async () => {
    await openTab("Audit log");
    const rows = page.locator("tbody tr");
    const events = (await api("GET", `/private/organizations/${orgId}/audit-log?projectId=${projectId}&limit=25`)).body.data;
    await count(rows, events.length);
    await text(rows.first().locator('td[data-label="Address"]'), events[0].ip ?? "—");
    await checkView(page, "audit-log", () => visible(rows.first()));

    await page.getByLabel("Action").selectOption({ label: "Key created" });
    const created = (await api("GET", `/private/organizations/${orgId}/audit-log?projectId=${projectId}&action=api_key.created`)).body.data;
    await count(rows, created.length);
    const scraperRow = rows.filter({ hasText: "Key scraper" });
    await text(scraperRow.locator('td[data-label="Who"]'), "You (Ada Lovelace)");
    expect(await scraperRow.locator('td[data-label="Target"]').textContent()).toBe(`Key scraper (azs_••••${keys.scraper.key.slice(-4)})`);

    await page.getByLabel("Action").selectOption({ label: "Organization created" });
    await visible(page.getByText("No events match these filters."));
    await page.getByLabel("Where").selectOption({ label: "The whole organization" });
    await count(rows, 1);
    await text(rows.first().locator('td[data-label="Target"]'), `Organization ${ada.name}'s organization`);
  }, 60_000);

  test("Jobs filters by batch: a batch job links to its batch's jobs, kept in the address", async () => {
    const batch = await api(
      "POST",
      `/projects/${projectId}/jobs/batch`,
      { urls: [`${site.url}/page?b=1`, `${site.url}/page?b=2`] },
      keys.scraper.key,
    );
    expect(batch.status).toBe(202);
    for (const job of batch.body.data.jobs) await until(job.id, ["succeeded", "failed"]);
    const inBatch = (await api("GET", `/projects/${projectId}/jobs?batchId=${batch.body.data.batchId}`)).body.data;
    await openTab("Jobs");
    const rows = page.locator("tbody tr");
    await page
      .getByRole("link", { name: `Batch …${batch.body.data.batchId.slice(-6)}: only its jobs` })
      .first()
      .click();
    await eventually("the address to hold the batch filter", () => expect(page.url()).toContain(`batch=${batch.body.data.batchId}`));
    await count(rows, inBatch.length);
    expect(await rows.locator(".job-link").allTextContents()).toEqual(inBatch.map((j: any) => j.url));
    await visible(page.locator("[data-batch-filter]"));
    await checkView(page, "jobs-batch", () => visible(rows.first()));
    await page.getByRole("link", { name: "Show every batch" }).click();
    await eventually("jobs outside the batch to be listed again", async () => expect(await rows.count()).toBeGreaterThan(inBatch.length));
  }, 60_000);

  test("Quick start fills the README's commands in for this server and project, and links the API reference", async () => {
    await openTab("Quick start");
    const commands = await page.locator("pre.curl").allTextContents();
    expect(commands.join("\n")).toContain(`curl -sS -X POST "${server.baseUrl}/projects/${projectId}/jobs"`);
    const reference = page.getByRole("main").getByRole("link", { name: "API reference" });
    expect((await fetch(`${server.baseUrl}${await reference.getAttribute("href")}`)).status).toBe(200);
    await checkView(page, "quick-start", async () => {});
  }, 60_000);

  test("no script errors or Content-Security-Policy violations happened on the way", () => {
    expect(problems).toEqual([]);
  });
});
