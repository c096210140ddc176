import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ApiError } from "./errors";
import { spec, specYaml } from "./spec";

const swaggerDist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
// A Map, not an object literal: a file named "__proto__" or "constructor" must not be found.
const ASSETS = new Map([
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["swagger-ui.css", "text/css; charset=utf-8"],
]);

/**
 * The hand-written openapi.yaml, as YAML and JSON, and Swagger UI on it. The UI's files come from
 * the swagger-ui-dist package (no CDN: self-hosted servers may have no internet). The plugin's own
 * generated document is replaced by ours: passing it as `documentation` makes every path ours.
 */
export const docs = () =>
  // A new plugin per app: the OpenAPI plugin serves /swagger as one prebuilt Response, whose body
  // a second app in the same process (as in the test suite) would find already read.
  new Elysia({ name: "docs" })
  .use(
    openapi({
      path: "/swagger",
      specPath: "/openapi.json",
      provider: "swagger-ui",
      openapiVersion: spec.openapi as "3.1.0",
      documentation: spec as never,
      swagger: {
        cdn: "/swagger/assets/swagger-ui-bundle.js",
        theme: "/swagger/assets/swagger-ui.css",
        autoDarkMode: false,
        // Not in the option's type, but the plugin spreads these into the UI config: load our YAML.
        ...({ url: "/openapi.yaml" } as object),
      },
    }),
  )
  .get("/openapi.yaml", () => new Response(specYaml, { headers: { "content-type": "application/yaml; charset=utf-8" } }))
  .get("/swagger/assets/:file", ({ params }) => {
    const type = ASSETS.get(params.file);
    if (!type) throw new ApiError("not_found", "No such Swagger UI asset.");
    return new Response(Bun.file(join(swaggerDist, params.file)), {
      headers: { "content-type": type, "cache-control": "public, max-age=86400" },
    });
  });
