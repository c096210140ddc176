import { readFile } from "node:fs/promises";
import { join } from "node:path";

const clientDir = join(import.meta.dir, "client");

export type Asset = { body: string; type: string; version: string };
export type DashboardAssets = Record<"app.js" | "app.css", Asset>;

const version = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, 16);

async function buildScript(): Promise<string> {
  const result = await Bun.build({
    entrypoints: [join(clientDir, "main.ts")],
    target: "browser",
    format: "esm",
    minify: true,
    sourcemap: "none",
  });
  const output = result.outputs.find((o) => o.kind === "entry-point");
  if (!result.success || !output) {
    throw new Error(`The dashboard script did not build: ${result.logs.map(String).join("\n")}`);
  }
  return output.text();
}

let built: Promise<DashboardAssets> | undefined;

/**
 * The page's script (bundled from `client/main.ts` by Bun.build) and stylesheet, built once per
 * process and kept in memory: nothing to commit, nothing stale after a code change and restart.
 */
export function dashboardAssets(): Promise<DashboardAssets> {
  built ??= Promise.all([buildScript(), readFile(join(clientDir, "styles.css"), "utf8")]).then(([js, css]) => ({
    "app.js": { body: js, type: "text/javascript; charset=utf-8", version: version(js) },
    "app.css": { body: css, type: "text/css; charset=utf-8", version: version(css) },
  }));
  return built;
}
