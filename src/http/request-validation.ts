import { ApiError } from "./errors";
import { describeValidationError, requestValidators } from "./spec";

/** Secrets are compared byte for byte; every other string field is trimmed before validation. */
const UNTRIMMED = new Set(["password", "refreshToken"]);

function trimFields(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, typeof v === "string" && !UNTRIMMED.has(k) ? v.trim() : v]),
  );
}

export type ValidatedInput = { body: unknown; query: Record<string, unknown> };

/**
 * Checks a request against its operation in openapi.yaml, so validation cannot drift from the
 * contract. Returns the body with strings trimmed and the query with defaults applied.
 */
export function validateRequest(
  method: string,
  route: string,
  request: { body: unknown; query: Record<string, unknown>; params: Record<string, unknown> },
): ValidatedInput {
  const validator = requestValidators.get(`${method} ${route}`);
  if (!validator) throw new Error(`No operation in openapi.yaml for ${method} ${route}`);
  const params = { ...request.query, ...request.params };
  if (!validator.params(params)) {
    throw new ApiError("validation_failed", describeValidationError(validator.params.errors![0]!, "parameter"));
  }
  let body: unknown;
  if (validator.body) {
    if (request.body === undefined || request.body === null || request.body === "") {
      throw new ApiError("validation_failed", "The request needs a JSON body; see the operation in /openapi.yaml.");
    }
    body = trimFields(request.body);
    if (!validator.body(body)) {
      throw new ApiError("validation_failed", describeValidationError(validator.body.errors![0]!, "body"));
    }
  }
  return { body, query: params };
}
