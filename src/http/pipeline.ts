import { Elysia } from "elysia";
import { databaseErrorCode, isDatabaseUnavailable } from "../db/errors";
import { ApiError, errorResponse } from "./errors";
import { checkContentLength } from "./json-body";
import type { Logger } from "./logger";
import { beginRequest, requestState } from "./request-context";
import { securityHeaders } from "./security-headers";
import { allowedMethods, LARGEST_BODY_BYTES } from "./spec";

/** The path of an absolute URL without building a URL object (one per request adds up). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.indexOf("?", start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

function toApiError(error: unknown, code: string | number, request: Request): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (code === "NOT_FOUND") {
    const pathname = new URL(request.url).pathname;
    const allow = allowedMethods(pathname);
    const path = pathname.slice(0, 200);
    if (allow.length) {
      return new ApiError("method_not_allowed", `${path} does not answer ${request.method.slice(0, 20)}; it answers ${allow.join(", ")}.`, {
        allow: allow.join(", "),
      });
    }
    return new ApiError("route_not_found", `There is no route ${request.method} ${path}. The routes are listed at /openapi.yaml.`);
  }
  if (code === "PARSE") {
    // Elysia wraps whatever our body parser threw (413, 415, bad JSON) in a ParseError.
    const cause = (error as Error).cause;
    return cause instanceof ApiError ? cause : new ApiError("invalid_json", "The body could not be parsed; send JSON.");
  }
  if (isDatabaseUnavailable(error)) {
    return new ApiError("service_unavailable", "The database cannot be reached right now. Retry in a few seconds.");
  }
  return undefined;
}

/**
 * The steps every request goes through, in order:
 * 1. onRequest: the security headers (src/http/security-headers.ts), the request id (echoed as
 *    `X-Request-Id`), and an early refusal of oversize bodies;
 * 2. (per route, see http/operations.ts) authentication, then the validation plugin: the JSON-only,
 *    size-capped body parser and the checks against the operation in openapi.yaml;
 * 3. onError: every failure becomes the error envelope (a known path with another method is 405
 *    with `Allow`); unknown ones are logged without details;
 * 4. onAfterResponse: the answer counted for the API key that made the request (in memory, see
 *    src/auth/key-usage.ts), and one JSON log line with method, path, status, duration, request and principal id.
 */
export const pipeline = (logger: Logger, logRequests: boolean, countKeyAnswer: (keyId: string, status: number) => void) =>
  new Elysia({ name: "pipeline" })
    .onRequest(({ request, set }) => {
      Object.assign(set.headers, securityHeaders(request));
      set.headers["x-request-id"] = beginRequest(request).id;
      checkContentLength(request, LARGEST_BODY_BYTES);
    })
    .onError({ as: "global" }, ({ error, code, request }) => {
      const state = requestState(request);
      const known = toApiError(error, code, request);
      if (!known) {
        // Only the error's class and driver code: messages can quote user input or SQL values.
        logger.error({
          requestId: state.id,
          event: "unhandled_error",
          errorName: (error as Error)?.name,
          dbCode: databaseErrorCode(error),
        });
      }
      const apiError =
        known ?? new ApiError("internal_error", "Something went wrong on our side. Retry, and quote the request id if it persists.");
      state.status = apiError.status;
      const response = errorResponse(apiError, state.id);
      response.headers.set("x-request-id", state.id);
      for (const [name, value] of Object.entries({ ...securityHeaders(request), ...state.headers })) response.headers.set(name, value);
      return response;
    })
    .onAfterResponse({ as: "global" }, ({ request, set }) => {
      const state = requestState(request);
      const status = state.status ?? (typeof set.status === "number" ? set.status : 200);
      if (state.keyId) countKeyAnswer(state.keyId, status);
      if (!logRequests) return;
      logger.info({
        method: request.method,
        path: pathOf(request.url),
        status,
        durationMs: Math.round((performance.now() - state.startedAt) * 100) / 100,
        requestId: state.id,
        principalId: state.principalId ?? null,
      });
    });
