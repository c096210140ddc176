import { expect } from "bun:test";
import type { ValidateFunction } from "ajv/dist/2020";
import { HTTP_METHODS, createSpecAjv, spec, type Operation } from "../../src/http/spec";

/**
 * Checks every response a test sees against openapi.yaml: the status must be one the operation
 * lists, headers it marks required must be present, and a JSON body must match the schema.
 */
const ajv = createSpecAjv();
const compiled = new Map<string, ValidateFunction>();
const templates = Object.keys(spec.paths).map((path) => ({
  path,
  regex: new RegExp("^" + path.replace(/\{\w+\}/g, "[^/]+") + "$"),
}));

const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

function validator(ref: string): ValidateFunction {
  let fn = compiled.get(ref);
  if (!fn) compiled.set(ref, (fn = ajv.compile({ $ref: ref })));
  return fn;
}

type ResponseSpec = { $ref?: string; headers?: Record<string, { $ref?: string; required?: boolean }>; content?: Record<string, unknown> };

function resolveResponse(response: ResponseSpec): { spec: ResponseSpec; pointer: string } | undefined {
  if (!response.$ref) return undefined;
  const name = response.$ref.split("/").pop()!;
  return { spec: spec.components.responses![name] as ResponseSpec, pointer: `spec#/components/responses/${escape(name)}` };
}

/** The spec path (e.g. `/projects/{projectId}`) that a concrete path matches, preferring literal matches. */
export function matchPath(pathname: string): string | undefined {
  const hits = templates.filter((t) => t.regex.test(pathname));
  hits.sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
  return hits[0]?.path;
}

export function assertMatchesSpec(method: string, pathname: string, status: number, headers: Headers, body: unknown): void {
  const where = `${method} ${pathname} → ${status}`;
  const path = matchPath(pathname);
  const operation = path ? (spec.paths[path]![method.toLowerCase()] as Operation | undefined) : undefined;
  if (!path || !operation) {
    // Not an operation of the API: must be the envelope's route_not_found.
    expect(status, where).toBe(404);
    expect(validator("spec#/components/schemas/Error")(body), `${where}: ${JSON.stringify(body)}`).toBe(true);
    return;
  }
  const listed = operation.responses[String(status)] as ResponseSpec | undefined;
  expect(listed, `${where} is not a status openapi.yaml lists for this operation (body: ${JSON.stringify(body)})`).toBeDefined();
  const shared = resolveResponse(listed!);
  const response = shared?.spec ?? listed!;
  const pointer = shared?.pointer ?? `spec#/paths/${escape(path)}/${method.toLowerCase()}/responses/${status}`;
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const required = header.required ?? (header.$ref ? (spec.components.headers![header.$ref.split("/").pop()!] as { required?: boolean }).required : false);
    if (required) expect(headers.get(name), `${where}: header ${name}`).toBeTruthy();
  }
  const contentType = headers.get("content-type") ?? "";
  if (contentType.startsWith("application/json") && response.content?.["application/json"]) {
    const validate = validator(`${pointer}/content/application~1json/schema`);
    expect(validate(body), `${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 500)}`).toBe(true);
  } else {
    const declared = Object.keys(response.content ?? {});
    expect(declared.some((type) => contentType.startsWith(type)), `${where}: content-type ${contentType} not in ${declared}`).toBe(true);
  }
}

/** Every (method, path) the spec lists, in Elysia's `:param` form. */
export function specOperations(): string[] {
  return Object.entries(spec.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
  );
}
