import { JobFailure } from "../modules/jobs/failure";
import type { Lookup, TargetPolicy } from "../modules/jobs/ssrf";
import { deadline, pinnedRequest, readCapped, UndecodableBody } from "./pinned-request";

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = "AzScraperBot/0.1 (self-hosted scraping service)";

type FetchRequest = {
  url: string;
  timeoutMs: number;
  maxBytes: number;
  headers: Record<string, string>;
  policy: TargetPolicy;
  lookup?: Lookup;
  /** Aborts the fetch from outside (shutdown); its reason becomes the error. */
  signal?: AbortSignal;
};

type Fetched = { statusCode: number; finalUrl: string; contentType: string | null; body: Buffer; durationMs: number };

function asFailure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof JobFailure) return error;
  if (error instanceof UndecodableBody) return new JobFailure("connection_failed", "The response body could not be decompressed.");
  const code = (error as { code?: string })?.code ?? "";
  return new JobFailure(
    "connection_failed",
    `The connection to the target failed (${code || (error as Error)?.message || "unknown error"}).`,
  );
}

/**
 * Fetches a URL for a job: a GET on a kept-alive connection, asking for compression. Each hop (the
 * first and every redirect, at most 5) is a pinned request of its own, checked against the policy
 * and resolved once; the whole fetch, redirects included, has `timeoutMs` of wall time.
 */
export async function fetchTarget(request: FetchRequest): Promise<Fetched> {
  const started = performance.now();
  const { signal, clear } = deadline(
    request.timeoutMs,
    () => new JobFailure("timeout", `The target did not answer in full within ${request.timeoutMs} ms.`),
    request.signal,
  );
  const headers = {
    "user-agent": USER_AGENT,
    accept: "text/html,application/xhtml+xml,*/*;q=0.8",
    "accept-encoding": "gzip, deflate, br",
    ...request.headers,
  };
  const { policy, lookup } = request;
  try {
    let url = new URL(request.url);
    for (let redirects = 0; ; redirects++) {
      const res = await pinnedRequest({ url, method: "GET", headers, policy, lookup, keepAlive: true, signal });
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        // Closed, not drained: nothing bounds a redirect's body, and the next hop checks and opens its own.
        res.destroy();
        if (redirects >= MAX_REDIRECTS)
          throw new JobFailure("too_many_redirects", `The target redirected more than ${MAX_REDIRECTS} times.`);
        url = new URL(location, url);
        continue;
      }
      const body = await readCapped(
        res,
        request.maxBytes,
        () => new JobFailure("response_too_large", `The response is larger than maxBytes (${request.maxBytes} bytes).`),
      );
      return {
        statusCode: res.statusCode ?? 0,
        finalUrl: url.toString(),
        contentType: res.headers["content-type"] ?? null,
        body,
        durationMs: Math.round(performance.now() - started),
      };
    }
  } catch (error) {
    throw asFailure(error, signal);
  } finally {
    clear();
  }
}
