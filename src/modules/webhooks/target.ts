import type { JobSettings } from "../../config";
import { ApiError } from "../../http/errors";
import { JobFailure } from "../jobs/failure";
import { checkUrl, type TargetPolicy } from "../jobs/ssrf";

/** Webhooks go where jobs may go: the same SSRF policy (ALLOW_PRIVATE_TARGETS, ALLOWED_TARGET_PORTS). */
export const webhookPolicy = (config: Pick<JobSettings, "allowPrivateTargets" | "allowedTargetPorts">): TargetPolicy => ({
  allowPrivate: config.allowPrivateTargets,
  ports: config.allowedTargetPorts,
});

/**
 * Refuses, naming `field`, a URL no delivery could reach: not absolute, not http(s), a refused
 * port, or a literal private address. Host names are resolved and checked at each delivery.
 */
export function checkWebhookUrl(raw: string, policy: TargetPolicy, field: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError("validation_failed", `Field '${field}' must be an absolute URL such as https://hooks.example.com/azscraper.`);
  }
  try {
    checkUrl(url, policy);
  } catch (error) {
    if (error instanceof JobFailure) throw new ApiError("validation_failed", `Field '${field}': ${error.message}`);
    throw error;
  }
  return url.toString();
}
