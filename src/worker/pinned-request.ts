import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { pipeline, type Readable, type Transform } from "node:stream";
import zlib from "node:zlib";
import { checkUrl, type Lookup, type Resolved, resolveTarget, type TargetPolicy } from "../modules/jobs/ssrf";

/** One request to a URL a user gave us: a job's page (and each of its redirects) or a webhook. */
type PinnedRequest = {
  url: URL;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  policy: TargetPolicy;
  lookup?: Lookup;
  /** Take a connection from the shared pool (see `keptAlive`), or open one for this request alone. */
  keepAlive: boolean;
  /** Ends the request wherever it is, name resolution included; its reason is the error. */
  signal: AbortSignal;
};

/**
 * Connections kept open between requests, per host and port: a worker scraping one site opens one
 * connection per slot instead of one per page (a TCP handshake on both sides, and several system
 * calls, for every job). A kept connection was opened to an address checked when it was opened;
 * each request still checks and resolves its URL first (pinnedRequest), so a name that now
 * resolves to a forbidden address is refused before any connection is reused.
 */
const keptAlive = { timeout: 30_000, maxFreeSockets: 64, scheduling: "lifo" as const, keepAlive: true };
const pooled = { "http:": new http.Agent(keptAlive), "https:": new https.Agent(keptAlive) };

/** A signal that aborts with `reason()` after `ms`, or with `outer`'s reason; `clear()` when done. */
export function deadline(ms: number, reason: () => Error, outer?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  const stop = () => controller.abort(outer?.reason);
  if (outer?.aborted) stop();
  outer?.addEventListener("abort", stop, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      outer?.removeEventListener("abort", stop);
    },
  };
}

/** `work`, unless `signal` aborts first: name resolution takes no signal of its own. */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let stop = () => {};
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
  });
  if (signal.aborted) stop();
  signal.addEventListener("abort", stop, { once: true });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

/** Sends the request to `target`, the address already checked: the socket connects there, nowhere else. */
function send(request: PinnedRequest, target: Resolved): Promise<IncomingMessage> {
  const { url, signal } = request;
  const secure = url.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      url,
      {
        method: request.method,
        headers: request.headers,
        agent: request.keepAlive ? pooled[secure ? "https:" : "http:"] : false,
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
    req.end(request.body);
  });
}

/**
 * The one way out to a user-given URL. The URL is checked against the SSRF policy, its host
 * resolved once now (a name that pointed somewhere public yesterday may point inside today) with
 * every answer checked, and the connection pinned to the checked address so a DNS answer that
 * changes in between is never used. Redirects are the caller's business: each hop is a new call.
 */
export async function pinnedRequest(request: PinnedRequest): Promise<IncomingMessage> {
  checkUrl(request.url, request.policy);
  const target = await unlessAborted(resolveTarget(request.url, request.policy, request.lookup), request.signal);
  return send(request, target);
}

/** The answer's body is not what its `Content-Encoding` says: it could not be decompressed. */
export class UndecodableBody extends Error {}

function decoderFor(res: IncomingMessage): Transform | undefined {
  switch ((res.headers["content-encoding"] ?? "").toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * Reads the body, decompressed, and throws `tooLarge()` as soon as it passes `maxBytes` (at once
 * when an uncompressed answer announces more), so a huge or endless answer costs at most that.
 * A body that fails to decompress while the connection holds throws UndecodableBody.
 */
export async function readCapped(res: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const announced = Number(res.headers["content-length"]);
  if (!res.headers["content-encoding"] && announced > maxBytes) {
    res.destroy();
    throw tooLarge();
  }
  const decoder = decoderFor(res);
  // pipeline, not pipe: a connection that fails mid-body fails the decoder too, instead of leaving it waiting.
  const stream: Readable = decoder ? pipeline(res, decoder, () => {}) : res;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) break;
      chunks.push(chunk);
    }
  } catch (error) {
    if (decoder && !res.errored) throw new UndecodableBody("The answer's body could not be decompressed.", { cause: error });
    throw error;
  }
  if (total > maxBytes) {
    res.destroy();
    stream.destroy();
    throw tooLarge();
  }
  return Buffer.concat(chunks);
}
