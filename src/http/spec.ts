import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { MAX_BODY_BYTES } from "./json-body";

/**
 * openapi.yaml, read once, and the one model of it every other part uses: request validation, the
 * route binding, 405 answers, the docs, and the tests' contract checks and fuzzing. The model is
 * dereferenced (every `$ref` replaced by what it points at), so nobody walks `$ref`s again.
 */
const specPath = fileURLToPath(new URL("../../openapi.yaml", import.meta.url));
export const specYaml = readFileSync(specPath, "utf8");
/** The document as written; served as /openapi.json. */
export const spec = parse(specYaml) as OpenApiDocument;

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema node is any JSON object
export type Schema = Record<string, any>;
export type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; description?: string; schema: Schema };
type HeaderSpec = { required?: boolean; description?: string; schema?: Schema };
type ResponseSpec = {
  description: string;
  headers?: Record<string, HeaderSpec>;
  content?: Record<string, { schema?: Schema; example?: unknown }>;
};
type RawOperation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, ResponseSpec>;
  "x-max-body-bytes"?: number;
};
type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
};

const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

/** One operation of the spec, with everything it needs resolved. */
export type SpecOperation = {
  id: string;
  method: HttpMethod;
  /** As the spec writes it: `/projects/{projectId}`. */
  path: string;
  /** As Elysia routes it: `/projects/:projectId`. */
  route: string;
  /** The scheme names of each accepted alternative; `[]` means no credentials. */
  security: string[][];
  /**
   * The scopes an API key needs for this operation: the role names its `apiKey` security
   * requirement lists (OpenAPI 3.1 allows them for any scheme type).
   */
  apiKeyScopes: string[];
  /** The path item's parameters and the operation's own. */
  parameters: Parameter[];
  /** The `application/json` request body, if the operation takes one. */
  requestBody?: { schema: Schema; example?: unknown };
  /** By status (`"200"`, `"default"`). */
  responses: Record<string, ResponseSpec>;
  /** The largest body it accepts: the spec's `x-max-body-bytes`, else MAX_BODY_BYTES. */
  maxBodyBytes: number;
};

/** A copy of `node` with every local `$ref` replaced by its target (siblings of a `$ref` win). */
function dereference(node: unknown, root: unknown, seen = new Map<string, unknown>(), path: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => dereference(item, root, seen, path));
  if (!node || typeof node !== "object") return node;
  const { $ref, ...rest } = node as Schema;
  let target: object = {};
  if (typeof $ref === "string") {
    if (path.includes($ref)) throw new Error(`openapi.yaml: recursive $ref ${$ref} is not supported`);
    if (!seen.has($ref)) {
      const pointer = $ref
        .replace(/^#\//, "")
        .split("/")
        .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
      const raw = pointer.reduce<unknown>((at, key) => (at as Schema | undefined)?.[key], root);
      if (raw === undefined) throw new Error(`openapi.yaml: $ref ${$ref} points nowhere`);
      seen.set($ref, dereference(raw, root, seen, [...path, $ref]));
    }
    target = seen.get($ref) as object;
    if (Object.keys(rest).length === 0) return target;
  }
  const copy: Schema = { ...target };
  for (const [key, value] of Object.entries(rest)) copy[key] = dereference(value, root, seen, path);
  return copy;
}

const toRoute = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

function readOperations(document: OpenApiDocument): SpecOperation[] {
  const resolved = dereference(document.paths, document) as Record<string, Record<string, unknown>>;
  return Object.entries(resolved).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((method) => {
      const op = item[method] as RawOperation | undefined;
      if (!op) return [];
      const json = op.requestBody?.content["application/json"];
      return [
        {
          id: op.operationId,
          method,
          path,
          route: toRoute(path),
          security: (op.security ?? document.security ?? []).map((requirement) => Object.keys(requirement)),
          apiKeyScopes: (op.security ?? document.security ?? []).find((requirement) => requirement.apiKey)?.apiKey ?? [],
          parameters: [...((item.parameters as Parameter[] | undefined) ?? []), ...(op.parameters ?? [])],
          requestBody: json && { schema: json.schema, example: json.example },
          responses: op.responses,
          maxBodyBytes: op["x-max-body-bytes"] ?? MAX_BODY_BYTES,
        },
      ];
    }),
  );
}

/** Every operation in openapi.yaml, in the order the document lists them. */
export const specOperations: readonly SpecOperation[] = readOperations(spec);
/** The largest body any operation accepts: what the early Content-Length check lets through. */
export const LARGEST_BODY_BYTES = Math.max(...specOperations.map((op) => op.maxBodyBytes));
const byId = new Map(specOperations.map((op) => [op.id, op]));

export function operationById(id: string): SpecOperation {
  const op = byId.get(id);
  if (!op) throw new Error(`openapi.yaml has no operation "${id}"`);
  return op;
}

/** The spec's schemas, dereferenced, for code that needs one by name. */
export const specSchemas = dereference(spec.components.schemas, spec) as Record<string, Schema>;

const templates = [...new Set(specOperations.map((op) => op.path))].map((path) => ({
  path,
  pattern: new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`),
}));

/** The spec paths a concrete path matches (Elysia ignores one trailing slash, so this does too), literal ones first. */
export function matchingPaths(pathname: string): string[] {
  const path = pathname.length > 1 ? pathname.replace(/\/$/, "") : pathname;
  return templates
    .filter((t) => t.pattern.test(path))
    .map((t) => t.path)
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
}

/** The methods a concrete path answers, as an `Allow` header lists them (HEAD wherever GET is). */
export function allowedMethods(pathname: string): string[] {
  const paths = new Set(matchingPaths(pathname));
  const methods = new Set(specOperations.filter((op) => paths.has(op.path)).map((op) => op.method.toUpperCase()));
  if (methods.has("GET")) methods.add("HEAD");
  return ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"].filter((m) => methods.has(m));
}
