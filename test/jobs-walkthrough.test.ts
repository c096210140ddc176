import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type StartedServer, startServer } from "./helpers/server";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

/** The README's jobs curl block, run after a sign-up and key creation, against a started server and a local site. */
const readme = readFileSync(join(import.meta.dir, "../README.md"), "utf8");
const script = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Scraping jobs and credits")))![1]!;

const setUp = `
EMAIL="walk-$RANDOM@example.com"
curl -sS -o /dev/null -X POST "$API_BASE/auth/register" -H "Content-Type: application/json" \\
  -d "{\\"email\\":\\"$EMAIL\\",\\"password\\":\\"correct-horse-battery\\",\\"name\\":\\"Ada\\"}"
TOKEN=$(curl -sS -X POST "$API_BASE/auth/login" -H "Content-Type: application/json" \\
  -d "{\\"email\\":\\"$EMAIL\\",\\"password\\":\\"correct-horse-battery\\"}" | jq -r .data.accessToken)
PROJECT_ID=$(curl -sS "$API_BASE/private/projects" -H "Authorization: Bearer $TOKEN" | jq -r '.data[0].id')
AZSCRAPER_API_KEY=$(curl -sS -X POST "$API_BASE/private/projects/$PROJECT_ID/api-keys" \\
  -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d '{"name":"ci-pipeline"}' | jq -r .data.key)
`;

let server: StartedServer;
let site: TargetSite;
beforeAll(async () => {
  site = startTargetSite();
  server = await startServer({ ALLOW_PRIVATE_TARGETS: "true", ALLOWED_TARGET_PORTS: "*", WORKER_POLL_MS: "50", LOG_REQUESTS: "false" });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  site?.stop();
});

test("the jobs walkthrough submits with a key, polls to succeeded, reads title and links, and shows the charge", async () => {
  const run = Bun.spawn(["bash", "-euo", "pipefail", "-c", setUp + script], {
    env: { ...process.env, API_BASE: server.baseUrl, TARGET_URL: `${site.url}/page` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = [await new Response(run.stdout).text(), await new Response(run.stderr).text(), await run.exited];
  expect(code, err).toBe(0);
  const [job, credits] = out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  expect(job).toEqual({
    status: "succeeded",
    title: "Welcome page",
    links: [`${site.url}/about`, `${site.url}/contact?x=1`, "https://example.org/out"],
  });
  expect(credits).toEqual({
    balance: 999,
    entries: [
      { kind: "charge", amount: 0 },
      { kind: "reserve", amount: -1 },
      { kind: "grant", amount: 1000 },
    ],
  });
});

const formatsScript = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("### Output formats")))![1]!;

test("the output formats example prints the product page's Markdown and the three selected fields", async () => {
  const run = Bun.spawn(["bash", "-euo", "pipefail", "-c", setUp + formatsScript], {
    env: { ...process.env, API_BASE: server.baseUrl, TARGET_URL: `${site.url}/products/blue-widget` },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = [await new Response(run.stdout).text(), await new Response(run.stderr).text(), await run.exited];
  expect(code, err).toBe(0);
  const lines = out.trim().split("\n");
  const expected = readFileSync(join(import.meta.dir, "fixtures/pages/product-page.md"), "utf8").replaceAll(
    "https://shop.example",
    site.url,
  );
  expect(lines.slice(0, -1).join("\n")).toBe(expected.trimEnd());
  expect(JSON.parse(lines.at(-1)!)).toEqual({
    title: "Blue Widget",
    price: "$19.99",
    related: [`${site.url}/products/red-widget`, `${site.url}/products/green-widget?variant=2`, "https://partner.example/widgets/gold"],
  });
});
