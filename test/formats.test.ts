import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Worker } from "../src/worker/worker";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { balanceAndLedgerSum, waitForJob } from "./helpers/jobs";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

/** Output formats end to end: submitted through the API, run by the worker against the local site. */
let t: TestApp;
let site: TargetSite;
let worker: Worker;
let ada: Account;
let key: string;

beforeAll(async () => {
  site = startTargetSite();
  t = await createTestApp({
    allowPrivateTargets: true,
    allowedTargetPorts: "any",
    workerPollMs: 20,
    rateLimitKeyBurst: 1000,
    rateLimitProjectBurst: 1000,
  });
  worker = new Worker(t.deps);
  worker.start();
  ada = await signUp(t, "ada");
  key = (await createKey(t, ada)).key;
}, 60_000);
afterAll(async () => {
  await worker.stop(0);
  site.stop();
  await t.close();
});

const PAGES = new URL("./fixtures/pages/", import.meta.url);
const fixture = (file: string) => readFileSync(new URL(file, PAGES), "utf8");
/** The fixture page's address on the local site: same path, the site's origin. */
const served = (name: string) => {
  const url = new URL(JSON.parse(fixture("pages.json"))[name]);
  return { url: `${site.url}${url.pathname}`, origin: url.origin };
};
const submit = (body: unknown) => t.request("POST", `/projects/${ada.projectId}/jobs`, { token: key, body });
async function run(body: Record<string, unknown>) {
  const created = await submit(body);
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  return waitForJob(t, key, ada.projectId, created.body.data.id);
}

describe("markdown and selectors through a job", () => {
  test("a product page: Markdown and data match the fixtures, with links absolute against the page's real address", async () => {
    const { url, origin } = served("product-page");
    const { selectors, data } = JSON.parse(fixture("product-page.selectors.json"));
    const done = await run({ url, options: { extract: ["title", "markdown"], selectors } });
    expect(done.status).toBe("succeeded");
    const local = (s: string) => s.replaceAll(origin, site.url);
    expect(done.result.markdown).toBe(local(fixture("product-page.md")).trimEnd());
    // The canonical link is absolute in the page's HTML: it names the shop, not where the page was served from.
    expect(done.result.data).toEqual({ ...JSON.parse(local(JSON.stringify(data))), canonical: data.canonical });
    expect(done.result.title).toBe("Blue Widget – Acme Store");
    expect(done.result.text).toBeUndefined();
    // The job shows its selectors in full form, defaults filled in.
    expect(done.options.onlyMainContent).toBe(true);
    expect(done.options.selectors.price).toEqual({ selector: ".product__price .price--sale", all: false, attribute: null });
    expect(done.options.selectors.related).toEqual({ selector: ".related-products .card__title a", all: true, attribute: "href" });
  });

  test("onlyMainContent: false gives the whole page's text; the default gives the main content", async () => {
    const { url } = served("docs-article");
    const main = await run({ url, options: { extract: ["text"] } });
    const whole = await run({ url, options: { extract: ["text"], onlyMainContent: false } });
    expect(main.result.text).toStartWith("Getting started Widgetron turns");
    expect(main.result.text).not.toContain("Discord");
    expect(whole.result.text).toContain("Discord");
    expect(whole.result.text).toContain("We use cookies");
  });

  test("the same selectors in short and full form are the same job for an Idempotency-Key retry", async () => {
    const headers = { "idempotency-key": "formats-retry" };
    const first = await t.request("POST", `/projects/${ada.projectId}/jobs`, {
      token: key,
      headers,
      body: { url: `${site.url}/page`, options: { selectors: { h: "h1" } } },
    });
    const retry = await t.request("POST", `/projects/${ada.projectId}/jobs`, {
      token: key,
      headers,
      body: { url: `${site.url}/page`, options: { selectors: { h: { selector: "h1", all: false } }, onlyMainContent: true } },
    });
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.data.id).toBe(first.body.data.id);
  });
});

describe("bad formats are refused at submit with a 400 that names the field, and cost nothing", () => {
  const url = "https://example.com/";
  test.each([
    [
      "an invalid selector",
      { titles: { selector: "h2 a[", all: true } },
      "Selector 'titles' is not a valid CSS selector: Expected name, found the end of the selector.",
    ],
    ["a pseudo-element", { price: ".price::before" }, "Selector 'price' is not a valid CSS selector: Pseudo-elements are not supported"],
    ["a blank selector", { price: "   " }, "Selector 'price' must not be blank."],
    ["a selector name with a space", { "my price": ".price" }, "Field 'options.selectors' has a name that is not allowed: 'my price'"],
    ["a name starting with underscores", { __proto__x: ".price" }, "has a name that is not allowed: '__proto__x'"],
    [
      "an attribute that is no attribute name",
      { link: { selector: "a", attribute: "on click" } },
      "Field 'options.selectors.link.attribute' contains characters",
    ],
    [
      "an unknown key in a selector",
      { link: { selector: "a", first: true } },
      "Unknown field 'first'. Allowed fields: selector, all, attribute.",
    ],
    ["a selector of the wrong type", { link: 5 }, "Field 'options.selectors.link' must be of type string or object."],
    [
      "a selector over 500 characters",
      { long: `.${"a".repeat(500)}` },
      "Field 'options.selectors.long' must be at most 500 characters long.",
    ],
    [
      "51 selectors",
      Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`s${i}`, "p"])),
      "Field 'options.selectors' must have at most 50 entries.",
    ],
  ])("%s", async (_name, selectors, message) => {
    const before = await balanceAndLedgerSum(t, ada.orgId);
    const res = await submit({ url, options: { selectors } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toContain(message);
    expect(await balanceAndLedgerSum(t, ada.orgId)).toEqual(before);
  });

  test("onlyMainContent must be a boolean; markdown is a known extract field", async () => {
    const res = await submit({ url, options: { onlyMainContent: "yes" } });
    expect(res.body.error.message).toBe("Field 'options.onlyMainContent' must be of type boolean.");
    const bad = await submit({ url, options: { extract: ["markdwn"] } });
    expect(bad.body.error.message).toBe("Field 'options.extract.0' must be one of: html, text, markdown, title, links, meta.");
  });
});
