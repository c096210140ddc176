import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { Elysia } from "elysia";
import type { operations } from "../../generated/openapi";
import { ApiError } from "./errors";
import { parseJsonBody } from "./json-body";
import { operationById, type Schema, type SpecOperation, specOperations } from "./spec";

/** An Ajv for the spec's (dereferenced) schemas. */
export function createAjv(options: { coerceTypes?: boolean; useDefaults?: boolean } = {}) {
  // strict: false because the schemas carry OpenAPI keywords (`example`, `x-trim`, ...) Ajv does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: false, verbose: true, ...options });
  addFormats(ajv);
  return ajv;
}

type Validators = {
  /** Path and query parameters, checked with type coercion since both arrive as strings. */
  parameters: ValidateFunction;
  /** The names of the path and of the query parameters, worked out once rather than per request. */
  pathNames: string[];
  queryNames: string[];
  body?: { schema: Schema; validate: ValidateFunction };
};

const strict = createAjv();
const coercing = createAjv({ coerceTypes: true, useDefaults: true });

function compile(op: SpecOperation): Validators {
  const parameters = op.parameters.filter((p) => p.in !== "header");
  return {
    parameters: coercing.compile({
      type: "object",
      properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
      required: parameters.filter((p) => p.required).map((p) => p.name),
    }),
    pathNames: parameters.filter((p) => p.in === "path").map((p) => p.name),
    queryNames: parameters.filter((p) => p.in === "query").map((p) => p.name),
    body: op.requestBody && { schema: op.requestBody.schema, validate: strict.compile(op.requestBody.schema) },
  };
}

// Compiled once, when the server starts: a schema Ajv cannot compile stops it there, not on a request.
const validators = new Map(specOperations.map((op) => [op.id, compile(op)]));

/**
 * The operations whose handler checks a signature over the body as sent (src/modules/leaked-keys/),
 * so the parser keeps its bytes; every other body is dropped once parsed. Typed by the spec's ids:
 * a renamed operation fails to compile rather than lose its signature check's input.
 */
const SIGNED_BODIES = new Set<keyof operations>(["reportLeakedKeys"]);

/** Strings whose schema says `x-trim: true` lose surrounding whitespace; every other string (passwords, tokens) is kept as sent. */
function trimmed(schema: Schema, value: unknown): unknown {
  if (typeof value === "string") return schema["x-trim"] === true ? value.trim() : value;
  if (Array.isArray(value)) return schema.items ? value.map((item) => trimmed(schema.items, item)) : value;
  if (!value || typeof value !== "object" || Array.isArray(value) || !schema.properties) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schema.properties[k] ? trimmed(schema.properties[k], v) : v]));
}

function pick(from: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (from[name] !== undefined) picked[name] = from[name];
  return picked;
}

export type ValidatedInput = { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown };

/**
 * Checks a request against its operation in openapi.yaml, so validation cannot drift from the
 * contract. Returns the parameters with defaults applied and the body with `x-trim` fields trimmed.
 */
function validateInput(
  op: SpecOperation,
  request: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
): ValidatedInput {
  const { parameters, pathNames, queryNames, body: bodyValidator } = validators.get(op.id)!;
  const all = { ...request.query, ...request.params };
  if (!parameters(all)) {
    const error = parameters.errors![0]!;
    // A path segment outside the spec's list of names (a file that is not served) names nothing: 404.
    if (error.keyword === "enum" && pathNames.includes(fieldName(error.instancePath))) {
      throw new ApiError(
        "not_found",
        `Nothing is served here; '${fieldName(error.instancePath)}' is one of: ${(error.params.allowedValues as string[]).join(", ")}.`,
      );
    }
    throw new ApiError("validation_failed", describeValidationError(error, "parameter"));
  }
  let body: unknown;
  if (bodyValidator) {
    if (request.body === undefined || request.body === null || request.body === "") {
      throw new ApiError("validation_failed", "The request needs a JSON body; see the operation in /openapi.yaml.");
    }
    body = trimmed(bodyValidator.schema, request.body);
    if (!bodyValidator.validate(body))
      throw new ApiError("validation_failed", describeValidationError(bodyValidator.validate.errors![0]!, "body"));
  }
  return { params: pick(all, pathNames), query: pick(all, queryNames), body };
}

/**
 * Request validation, a plugin of its own: a route bound with `{ validate: operationId }` parses
 * its body (JSON only, at most 64 KiB or the operation's `x-max-body-bytes`, and only when the operation takes one) and hands the
 * handler `input`, checked against the operation. It runs after authentication, which the binding
 * registers first, so a caller without credentials learns nothing about the input rules.
 */
export const validation = () =>
  new Elysia().macro({
    validate: (id: string) => {
      const op = operationById(id);
      const rules = { limit: op.maxBodyBytes, keepRaw: SIGNED_BODIES.has(id as keyof operations) };
      return {
        // An operation without a body in openapi.yaml ignores one (a DELETE body means nothing, RFC 9110).
        parse: ({ request, contentType }) => (op.requestBody ? parseJsonBody(request, contentType, rules) : null),
        resolve: ({ params, query, body }) => ({ input: validateInput(op, { params, query, body }) }),
      };
    },
  });

const fieldName = (path: string) => path.replace(/^\//, "").replace(/\//g, ".");

/** Turns Ajv's first error into a sentence that names the field and what to change. */
function describeValidationError(error: ErrorObject, where: "body" | "parameter"): string {
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
      if (where !== "body") return `Missing required parameter '${missing}'.`;
      return `Missing required field '${field ? `${field}.` : ""}${missing}'.`;
    case "additionalProperties": {
      const allowed = Object.keys((error.parentSchema?.properties as object) ?? {}).join(", ");
      return `Unknown field '${extra}'. Allowed fields: ${allowed}.`;
    }
    case "type":
      return field ? `${subject} must be of type ${String(error.params.type).replace(/,/g, " or ")}.` : "The body must be a JSON object.";
    case "minLength":
      return error.params.limit === 1
        ? `${subject} must not be blank.`
        : `${subject} must be at least ${error.params.limit} characters long.`;
    case "maxLength":
      return `${subject} must be at most ${error.params.limit} characters long.`;
    case "format":
      return error.params.format === "email"
        ? `${subject} must be a valid email address.`
        : `${subject} must be a valid ${error.params.format}.`;
    case "pattern": {
      // A regex tells a person nothing: a schema with a pattern says what it means in `x-pattern-message`.
      const meaning = error.parentSchema?.["x-pattern-message"];
      return typeof meaning === "string" ? `${subject} ${meaning}.` : `${subject} contains characters that are not allowed.`;
    }
    case "enum":
      return `${subject} must be one of: ${(error.params.allowedValues as string[]).join(", ")}.`;
    case "maxProperties":
      return `${subject} must have at most ${error.params.limit} entries.`;
    case "minProperties":
      return `${subject} must set at least ${error.params.limit} field${error.params.limit === 1 ? "" : "s"}.`;
    case "minItems":
      return error.params.limit === 1 ? `${subject} must not be empty.` : `${subject} must have at least ${error.params.limit} items.`;
    case "maxItems":
      return `${subject} must have at most ${error.params.limit} items.`;
    case "uniqueItems":
      return `${subject} must not list the same item twice.`;
    case "exclusiveMinimum":
      return `${subject} must be greater than ${error.params.limit}.`;
    case "minimum":
    case "maximum":
      return `${subject} must be ${error.params.comparison} ${error.params.limit}.`;
    default:
      return `${subject} ${error.message ?? "is invalid"}.`;
  }
}
