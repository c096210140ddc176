import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import { JobFailure } from "../modules/jobs/failure";
import { checkUrl, type Lookup, type Resolved, resolveTarget, type TargetPolicy } from "../modules/jobs/ssrf";

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

/**
 * Connections kept open between jobs, per host and port: a worker scraping one site opens one
 * connection per slot instead of one per page (a TCP handshake on both sides, and several system
 * calls, for every job). A kept connection was opened to an address checked when it was opened;
 * each request still checks and resolves its URL first (below), so a name that now resolves to a
 * forbidden address is refused before any connection is reused.
 */
const keptAlive = { timeout: 30_000, maxFreeSockets: 64, scheduling: "lifo" as const, keepAlive: true };
const httpAgent = new http.Agent(keptAlive);
const httpsAgent = new https.Agent(keptAlive);

type Fetched = { statusCode: number; finalUrl: string; contentType: string | null; body: Buffer; durationMs: number };

/** One GET to the address already checked and resolved: the socket connects to `target`, nowhere else. */
function get(url: URL, target: Resolved, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const req = (secure ? https : http).request(
      url,
      {
        method: "GET",
        headers,
        agent: secure ? httpsAgent : httpAgent,
        // The pin: whatever the name resolves to now, the connection goes to the checked address.
        lookup: (_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) =>
          options?.all ? cb(null, [target]) : cb(null, target.address, target.family),
      } as http.RequestOptions,
      resolve,
    );
    const abort = () => req.destroy(signal.reason as Error);
    if (signal.aborted) abort();
    signal.addEventListener("abort", abort, { once: true });
    req.on("error", reject);
    req.on("close", () => signal.removeEventListener("abort", abort));
    req.end();
  });
}

function decoded(res: IncomingMessage): Readable {
  switch ((res.headers["content-encoding"] ?? "").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return res.pipe(zlib.createGunzip());
    case "deflate":
      return res.pipe(zlib.createInflate());
    case "br":
      return res.pipe(zlib.createBrotliDecompress());
    default:
      return res;
  }
}

/** Reads the body, decompressed, and gives up as soon as it passes `maxBytes`. */
async function readCapped(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new JobFailure("response_too_large", `The response is larger than maxBytes (${maxBytes} bytes).`);
  const announced = Number(res.headers["content-length"]);
  if (!res.headers["content-encoding"] && announced > maxBytes) {
    res.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = decoded(res);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      res.destroy();
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function asFailure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof JobFailure) return error;
  const code = (error as { code?: string })?.code ?? "";
  if (code.startsWith("Z_") || code === "ERR_BROTLI_DECOMPRESSION_FAILED") {
    return new JobFailure("connection_failed", "The response body could not be decompressed.");
  }
  return new JobFailure(
    "connection_failed",
    `The connection to the target failed (${code || (error as Error)?.message || "unknown error"}).`,
  );
}

/**
 * Fetches a URL for a job. Each hop (the first and every redirect, at most 5) is checked against
 * the policy and resolved once; the whole fetch, redirects included, has `timeoutMs` of wall time.
 */
export async function fetchTarget(request: FetchRequest): Promise<Fetched> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new JobFailure("timeout", `The target did not answer in full within ${request.timeoutMs} ms.`)),
    request.timeoutMs,
  );
  const outer = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener("abort", outer, { once: true });
  const headers = {
    "user-agent": USER_AGENT,
    accept: "text/html,application/xhtml+xml,*/*;q=0.8",
    "accept-encoding": "gzip, deflate, br",
    ...request.headers,
  };
  try {
    let url = new URL(request.url);
    for (let redirects = 0; ; redirects++) {
      checkUrl(url, request.policy);
      const target = await Promise.race([
        resolveTarget(url, request.policy, request.lookup),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true }),
        ),
      ]);
      const res = await get(url, target, headers, controller.signal);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS)
          throw new JobFailure("too_many_redirects", `The target redirected more than ${MAX_REDIRECTS} times.`);
        url = new URL(location, url);
        continue;
      }
      const body = await readCapped(res, request.maxBytes);
      return {
        statusCode: res.statusCode ?? 0,
        finalUrl: url.toString(),
        contentType: res.headers["content-type"] ?? null,
        body,
        durationMs: Math.round(performance.now() - started),
      };
    }
  } catch (error) {
    throw asFailure(error, controller.signal);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", outer);
  }
}
