import http from "node:http";
import https from "node:https";
import { JobFailure } from "../modules/jobs/failure";
import { checkUrl, type Lookup, resolveTarget, type TargetPolicy } from "../modules/jobs/ssrf";

const USER_AGENT = "AzScraper-Webhooks/0.1";
/** What the deliveries list keeps of an answer. */
export const KEPT_RESPONSE_BYTES = 1024;

export type PostRequest = {
  url: string;
  body: string;
  headers: Record<string, string>;
  policy: TargetPolicy;
  timeoutMs: number;
  maxResponseBytes: number;
  lookup?: Lookup;
};

/** One attempt's outcome: an answer (any status), or why there was none. */
export type PostOutcome = { durationMs: number } & (
  | { status: number; body: string; error: null }
  | { status: number | null; body: string | null; error: string }
);

/** The first KEPT_RESPONSE_BYTES of the answer as text, cut on a character boundary. */
const kept = (body: Buffer) => new TextDecoder().decode(body.subarray(0, KEPT_RESPONSE_BYTES)).replace(/\uFFFD$/, "");

/**
 * POSTs a delivery to the address the SSRF policy allows, checked and resolved now (a name that
 * pointed somewhere public yesterday may point inside today) and pinned for the connection.
 * Redirects are not followed: a receiver answers where it was registered. The whole attempt has
 * `timeoutMs`, and an answer longer than `maxResponseBytes` fails it.
 */
export async function postWebhook(request: PostRequest): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`No answer within ${request.timeoutMs} ms.`)), request.timeoutMs);
  try {
    const url = new URL(request.url);
    checkUrl(url, request.policy);
    const target = await resolveTarget(url, request.policy, request.lookup);
    const { status, body } = await send(url, target, request, controller.signal);
    return { status, body: kept(body), error: null, durationMs: elapsed() };
  } catch (error) {
    const reason = controller.signal.aborted ? (controller.signal.reason as Error) : (error as Error & { status?: number });
    const message = error instanceof JobFailure ? error.message : reason?.message || "The connection failed.";
    const status = (error as { status?: number }).status ?? null;
    return { status, body: null, error: message, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

class TooLarge extends Error {
  constructor(
    readonly status: number,
    limit: number,
  ) {
    super(`The answer is larger than ${limit} bytes.`);
  }
}

function send(
  url: URL,
  target: { address: string; family: 4 | 6 },
  request: PostRequest,
  signal: AbortSignal,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method: "POST",
        headers: {
          "user-agent": USER_AGENT,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(request.body)),
          ...request.headers,
        },
        agent: false,
        // The pin: the connection goes to the address just checked, whatever DNS says next.
        lookup: (_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) =>
          options?.all ? cb(null, [target]) : cb(null, target.address, target.family),
      } as http.RequestOptions,
      (res) => {
        const chunks: Buffer[] = [];
        let total = 0;
        res.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > request.maxResponseBytes) {
            req.destroy(new TooLarge(res.statusCode ?? 0, request.maxResponseBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    const abort = () => req.destroy(signal.reason as Error);
    if (signal.aborted) abort();
    signal.addEventListener("abort", abort, { once: true });
    req.on("error", reject);
    req.on("close", () => signal.removeEventListener("abort", abort));
    req.end(request.body);
  });
}
