import type { JobSettings } from "../../config";
import { ApiError } from "../../http/errors";
import { JobFailure } from "./failure";
import { checkUrl, type TargetPolicy } from "./ssrf";

/**
 * Where the service may send requests, from ALLOW_PRIVATE_TARGETS and ALLOWED_TARGET_PORTS: one
 * policy for a job's page (at submission and again in the worker, at every hop) and for a webhook
 * (at creation, on update and at every delivery). Webhooks go where jobs may go, no further.
 */
export const targetPolicy = (config: Pick<JobSettings, "allowPrivateTargets" | "allowedTargetPorts">): TargetPolicy => ({
  allowPrivate: config.allowPrivateTargets,
  ports: config.allowedTargetPorts,
});

/** The example a malformed URL's message shows: what a URL of that kind looks like. */
const EXAMPLES = { page: "https://example.com/", webhook: "https://hooks.example.com/azscraper" };

/**
 * Refuses, naming `field`, a URL no request could reach: not absolute, not http(s), with
 * credentials, a refused port, or a literal private address. Host names are resolved and checked
 * when the request is sent (src/worker/pinned-request.ts), since DNS answers change.
 */
export function checkTargetUrl(raw: string, policy: TargetPolicy, field: string, kind: keyof typeof EXAMPLES): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError("validation_failed", `Field '${field}' must be an absolute URL such as ${EXAMPLES[kind]}.`);
  }
  try {
    checkUrl(url, policy);
  } catch (error) {
    if (error instanceof JobFailure) throw new ApiError("validation_failed", `Field '${field}': ${error.message}`);
    throw error;
  }
  return url.toString();
}
