import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** The hand-written contract, read once: the source of request validation and the served docs. */
export const specPath = fileURLToPath(new URL("../../openapi.yaml", import.meta.url));
export const specYaml = readFileSync(specPath, "utf8");
export const spec = parse(specYaml) as OpenApiDocument;

type Schema = Record<string, unknown>;
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema: Schema };
export type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
};
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  components: Record<string, Record<string, unknown>>;
};

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** `/projects/{projectId}` → `/projects/:projectId`, the form Elysia reports as `route`. */
export const toRoutePath = (specPathKey: string) => specPathKey.replace(/\{(\w+)\}/g, ":$1");

/** Creates an Ajv that understands the spec's `$ref`s (`spec#/components/...`). */
export function createSpecAjv(options: { coerceTypes?: boolean; useDefaults?: boolean } = {}) {
  // strict: false because the document carries OpenAPI keywords (`example`, `in`, ...) Ajv does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: false, verbose: true, ...options });
  addFormats(ajv);
  ajv.addSchema(spec as unknown as Schema, "spec");
  return ajv;
}

const pointer = (...parts: string[]) =>
  "spec#/" + parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

export type RequestValidator = {
  operation: Operation;
  body?: ValidateFunction;
  /** Query and path parameters, checked with type coercion since both arrive as strings. */
  params: ValidateFunction;
};

/** Points a schema lifted out of the document at the document again (`#/x` → `spec#/x`). */
const rebase = (schema: Schema): Schema =>
  JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"spec#/'));

function resolveParameter(p: Parameter | { $ref: string }): Parameter {
  if (!("$ref" in p)) return p;
  const name = p.$ref.split("/").pop()!;
  return spec.components.parameters![name] as Parameter;
}

/** One compiled validator per operation, keyed `METHOD /route/:param`. */
function compileRequestValidators(): Map<string, RequestValidator> {
  const strict = createSpecAjv();
  const coercing = createSpecAjv({ coerceTypes: true, useDefaults: true });
  const validators = new Map<string, RequestValidator>();
  for (const [path, item] of Object.entries(spec.paths)) {
    const shared = (item.parameters as Parameter[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      const parameters = [...shared, ...(operation.parameters ?? [])].map(resolveParameter);
      const paramSchema = {
        type: "object",
        properties: Object.fromEntries(parameters.map((p) => [p.name, rebase(p.schema)])),
        required: parameters.filter((p) => p.required).map((p) => p.name),
      };
      const json = operation.requestBody?.content["application/json"];
      validators.set(`${method.toUpperCase()} ${toRoutePath(path)}`, {
        operation,
        body: json ? strict.compile({ $ref: pointer("paths", path, method, "requestBody", "content", "application/json", "schema") }) : undefined,
        params: coercing.compile(paramSchema),
      });
    }
  }
  return validators;
}

export const requestValidators = compileRequestValidators();

const fieldName = (path: string) => path.replace(/^\//, "").replace(/\//g, ".");

/** Turns Ajv's first error into a sentence that names the field and what to change. */
export function describeValidationError(error: ErrorObject, where: "body" | "parameter"): string {
  const missing = error.params.missingProperty as string | undefined;
  const extra = error.params.additionalProperty as string | undefined;
  const field = fieldName(error.instancePath);
  const subject = field ? (where === "body" ? `Field '${field}'` : `Parameter '${field}'`) : "The body";
  // A map's key broke `propertyNames` (Ajv reports the key's own error, with the key beside it).
  if (error.propertyName !== undefined) {
    const rule = error.keyword === "pattern" ? ` (names must match ${error.params.pattern})` : "";
    return `${subject} has a name that is not allowed: '${error.propertyName}'${rule}.`;
  }
  switch (error.keyword) {
    case "required":
      return where === "body" ? `Missing required field '${missing}'.` : `Missing required parameter '${missing}'.`;
    case "additionalProperties": {
      const allowed = Object.keys((error.parentSchema?.properties as object) ?? {}).join(", ");
      return `Unknown field '${extra}'. Allowed fields: ${allowed}.`;
    }
    case "type":
      return field ? `${subject} must be of type ${String(error.params.type).replace(/,/g, " or ")}.` : "The body must be a JSON object.";
    case "minLength":
      return error.params.limit === 1 ? `${subject} must not be blank.` : `${subject} must be at least ${error.params.limit} characters long.`;
    case "maxLength":
      return `${subject} must be at most ${error.params.limit} characters long.`;
    case "format":
      return error.params.format === "email" ? `${subject} must be a valid email address.` : `${subject} must be a valid ${error.params.format}.`;
    case "pattern": {
      // A regex tells a person nothing: a schema with a pattern says what it means in `x-pattern-message`.
      const meaning = error.parentSchema?.["x-pattern-message"];
      return typeof meaning === "string" ? `${subject} ${meaning}.` : `${subject} contains characters that are not allowed.`;
    }
    case "enum":
      return `${subject} must be one of: ${(error.params.allowedValues as string[]).join(", ")}.`;
    case "maxProperties":
      return `${subject} must have at most ${error.params.limit} entries.`;
    case "minimum":
    case "maximum":
      return `${subject} must be ${error.params.comparison} ${error.params.limit}.`;
    default:
      return `${subject} ${error.message ?? "is invalid"}.`;
  }
}
