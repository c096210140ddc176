import type { components } from "../../generated/openapi";

/** Every code the API can answer with; the spec's `ErrorCode` enum is the list. */
export type ErrorCode = components["schemas"]["ErrorCode"];
export type ErrorBody = components["schemas"]["Error"];

const codeToStatus: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  missing_credentials: 401,
  invalid_token: 401,
  invalid_api_key: 401,
  api_key_expired: 401,
  invalid_credentials: 401,
  invalid_signature: 401,
  invalid_refresh_token: 401,
  dashboard_session_required: 403,
  key_project_mismatch: 403,
  insufficient_scope: 403,
  ip_not_allowed: 403,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  already_member: 409,
  last_owner: 409,
  key_limit_reached: 409,
  too_many_login_attempts: 429,
  too_many_invalid_keys: 429,
  too_many_registrations: 429,
  insufficient_credits: 402,
  key_credit_limit_reached: 402,
  rate_limited: 429,
  job_not_cancelable: 409,
  idempotency_key_reused: 409,
  webhook_limit_reached: 409,
  webhook_disabled: 409,
  service_unavailable: 503,
  internal_error: 500,
};

/** The one error type services throw; the global handler turns it into the envelope. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, such as `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = codeToStatus[code];
  }
}

export const notFound = (what: string) => new ApiError("not_found", `No ${what} with this id exists, or you do not have access to it.`);

function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, requestId } };
}

/** Builds the error response; 401s always carry the `WWW-Authenticate` challenge (RFC 6750). */
export function errorResponse(error: ApiError, requestId: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json", ...error.headers };
  if (error.status === 401) {
    headers["www-authenticate"] =
      error.code === "missing_credentials" || error.code === "invalid_credentials"
        ? 'Bearer realm="azscraper"'
        : 'Bearer realm="azscraper", error="invalid_token"';
  }
  return new Response(JSON.stringify(errorBody(error.code, error.message, requestId)), {
    status: error.status,
    headers,
  });
}
