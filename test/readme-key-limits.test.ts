import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type StartedServer, startServer } from "./helpers/server";

/** The README's "Limiting what a key can do" block, run after the walkthrough it continues. */
const readme = readFileSync(join(import.meta.dir, "../README.md"), "utf8");
const block = (heading: string) => /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(heading)))![1]!;
const script = `${block("## Walkthrough")}\n${block("## Limiting what a key can do")}`;

let server: StartedServer;
beforeAll(async () => {
  server = await startServer({ WORKER: "off" });
}, 60_000);
afterAll(() => server?.stop());

test("the README's key-limits block: expiry header, a missing scope, widen, roll, expiring keys, a service account, every status", async () => {
  const run = Bun.spawn(["bash", "-euo", "pipefail", "-c", script.replace("http://localhost:3000", server.baseUrl)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = [await new Response(run.stdout).text(), await new Response(run.stderr).text(), await run.exited];
  expect(code, err).toBe(0);
  const limits = out.slice(out.lastIndexOf("401\n") + 4);
  const expected = [
    /^api-key-expires-at: \d{4}-\d\d-\d\dT/im,
    /^insufficient_scope$/m,
    /\{"success":true\}[0-9a-f]{24}\n/,
    /^nightly$/m,
    /^deploy-bot$/m,
  ];
  let rest = limits;
  for (const pattern of expected) {
    const match = pattern.exec(rest);
    expect(match, `${pattern} in ${rest}`).not.toBeNull();
    rest = rest.slice(match!.index + match![0].length);
  }
  // The rolled key is active and in its grace (reason rolled), its successor active, the walkthrough's key revoked.
  expect(rest).toContain("nightly active null");
  expect(rest).toContain("nightly active rolled");
  expect(rest).toContain("deploy-bot active null");
  expect(rest).toContain("deploy-bot revoked revoked");
});
