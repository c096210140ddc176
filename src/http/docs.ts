import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ApiError } from "./errors";
import { spec, specYaml } from "./spec";
import { renderSwaggerPage, swaggerPageHeaders } from "./swagger-page";

const swaggerDist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
// A Map, not an object literal: a file named "__proto__" or "constructor" must not be found.
const ASSETS = new Map([
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["swagger-ui.css", "text/css; charset=utf-8"],
]);
const swaggerPage = renderSwaggerPage(`${spec.info.title}: API reference`);

/**
 * The hand-written openapi.yaml, as YAML and JSON, and Swagger UI on it. The UI's files come from
 * the swagger-ui-dist package (no CDN: self-hosted servers may have no internet); the page is ours
 * (src/http/swagger-page.ts), for its Content-Security-Policy. The plugin's own generated document
 * is replaced by ours: passing it as `documentation` makes every path ours.
 */
export const docs = () =>
  new Elysia({ name: "docs" })
  .use(
    openapi({
      provider: null,
      specPath: "/openapi.json",
      openapiVersion: spec.openapi as "3.1.0",
      documentation: spec as never,
    }),
  )
  .get("/swagger", () => new Response(swaggerPage, { headers: swaggerPageHeaders }))
  .get("/openapi.yaml", () => new Response(specYaml, { headers: { "content-type": "application/yaml; charset=utf-8" } }))
  .get("/swagger/assets/:file", ({ params }) => {
    const type = ASSETS.get(params.file);
    if (!type) throw new ApiError("not_found", "No such Swagger UI asset.");
    return new Response(Bun.file(join(swaggerDist, params.file)), {
      headers: { "content-type": type, "cache-control": "public, max-age=86400" },
    });
  });
