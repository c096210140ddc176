import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type StartedServer, startServer } from "./helpers/server";

/** The README's curl walkthrough, run as one bash script against a started server. */
const readme = readFileSync(join(import.meta.dir, "../README.md"), "utf8");
const section = readme.slice(readme.indexOf("## Walkthrough"));
const script = /```sh\n([\s\S]*?)```/.exec(section)![1]!;

let server: StartedServer;
beforeAll(async () => {
  server = await startServer();
}, 60_000);
afterAll(() => server?.stop());

test("the README walkthrough goes from sign-up to a revoked key that gets 401", async () => {
  expect(script).toContain("export API_BASE=http://localhost:3000");
  const run = Bun.spawn(["bash", "-euo", "pipefail", "-c", script.replace("http://localhost:3000", server.baseUrl)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = [await new Response(run.stdout).text(), await new Response(run.stderr).text(), await run.exited];
  expect(code, err).toBe(0);
  // curl prints bodies without newlines: check the outputs appear in order.
  const expected = ['"name":"Ada"', '{"data":[],"nextCursor":null}', '"name":"ci-pipeline"', '{"success":true}{"success":true}', "401\n"];
  let from = 0;
  for (const piece of expected) {
    const at = out.indexOf(piece, from);
    expect(at, `${piece} after position ${from} in ${out}`).toBeGreaterThanOrEqual(0);
    from = at + piece.length;
  }
  expect(out.endsWith("401\n")).toBe(true);
});
