import { readFile } from "node:fs/promises";
import { join } from "node:path";

const clientDir = join(import.meta.dir, "client");

export type Asset = { body: string; type: string; version: string };
export type AssetName = "app.js" | "app.css" | "favicon.svg";
export type DashboardAssets = Record<AssetName, Asset>;

const version = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, 16);

/**
 * The Preact app, TSX included: Bun.build reads the JSX settings (`jsxImportSource: preact`) from
 * `client/tsconfig.json`, the same file `tsc` checks the client with.
 */
async function buildScript(): Promise<string> {
  const result = await Bun.build({
    entrypoints: [join(clientDir, "main.tsx")],
    target: "browser",
    format: "esm",
    minify: true,
    sourcemap: "none",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  const output = result.outputs.find((o) => o.kind === "entry-point");
  if (!result.success || !output) {
    throw new Error(`The dashboard script did not build: ${result.logs.map(String).join("\n")}`);
  }
  return output.text();
}

const asset = (body: string, type: string): Asset => ({ body, type, version: version(body) });
const file = (name: string) => readFile(join(clientDir, name), "utf8");

let built: Promise<DashboardAssets> | undefined;

/**
 * The page's script (bundled from `client/main.tsx` by Bun.build), stylesheet and icon, built once
 * per process and kept in memory: nothing to commit, nothing stale after a code change and restart.
 */
export function dashboardAssets(): Promise<DashboardAssets> {
  built ??= Promise.all([buildScript(), file("styles.css"), file("favicon.svg")]).then(([js, css, icon]) => ({
    "app.js": asset(js, "text/javascript; charset=utf-8"),
    "app.css": asset(css, "text/css; charset=utf-8"),
    "favicon.svg": asset(icon, "image/svg+xml"),
  }));
  return built;
}
