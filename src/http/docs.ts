import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Operations, ok } from "./operations";
import { spec, specYaml } from "./spec";
import { renderSwaggerPage, swaggerPageHeaders } from "./swagger-page";

const swaggerDist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const ASSET_TYPES = { "swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8" };

// Swagger UI's files come from the swagger-ui-dist package (no CDN: self-hosted servers may have
// no internet); the page is ours (src/http/swagger-page.ts), for its Content-Security-Policy, and
// it loads the hand-written YAML.
const swaggerPage = renderSwaggerPage(`${spec.info.title}: API reference`);

/** The hand-written openapi.yaml, as YAML and JSON, and Swagger UI on it. */
export const docsRoutes = () =>
  new Operations()
    .handle("getOpenApiYaml", () => new Response(specYaml, { headers: { "content-type": "application/yaml; charset=utf-8" } }))
    .handle("getOpenApiJson", () => ok(spec))
    .handle("getSwaggerUi", () => new Response(swaggerPage, { headers: swaggerPageHeaders }))
    .handle(
      "getSwaggerAsset",
      ({ params }) =>
        new Response(Bun.file(join(swaggerDist, params.file)), {
          headers: { "content-type": ASSET_TYPES[params.file], "cache-control": "public, max-age=86400" },
        }),
    );
