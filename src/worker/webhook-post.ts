import { JobFailure } from "../modules/jobs/failure";
import type { Lookup, TargetPolicy } from "../modules/jobs/ssrf";
import { deadline, pinnedRequest, readCapped, UndecodableBody } from "./pinned-request";

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

class TooLarge extends Error {
  constructor(
    readonly status: number,
    limit: number,
  ) {
    super(`The answer is larger than ${limit} bytes.`);
  }
}

/**
 * POSTs a delivery through a pinned request (the SSRF policy checked, the host resolved now and
 * the connection pinned to that address). What differs from a job's fetch, on purpose: redirects
 * are not followed (a receiver answers where it was registered; the 3xx is the outcome), and the
 * connection is not kept (deliveries are occasional and go to many hosts). The whole attempt has
 * `timeoutMs`, and an answer longer than `maxResponseBytes` fails it, keeping its status.
 */
export async function postWebhook(request: PostRequest): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { signal, clear } = deadline(request.timeoutMs, () => new Error(`No answer within ${request.timeoutMs} ms.`));
  const headers = {
    "user-agent": USER_AGENT,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(request.body)),
    ...request.headers,
  };
  try {
    const { policy, lookup, body } = request;
    const url = new URL(request.url);
    const res = await pinnedRequest({ url, method: "POST", headers, body, policy, lookup, keepAlive: false, signal });
    const status = res.statusCode ?? 0;
    const answer = await readCapped(res, request.maxResponseBytes, () => new TooLarge(status, request.maxResponseBytes)).catch((error) => {
      // The receiver has answered: a body we cannot decompress (we never ask for compression) does not undo its status.
      if (error instanceof UndecodableBody) return null;
      throw error;
    });
    return { status, body: answer ? kept(answer) : "", error: null, durationMs: elapsed() };
  } catch (error) {
    const reason = signal.aborted ? (signal.reason as Error) : (error as Error);
    const message = error instanceof JobFailure ? error.message : reason?.message || "The connection failed.";
    const status = (error as { status?: number }).status ?? null;
    return { status, body: null, error: message, durationMs: elapsed() };
  } finally {
    clear();
  }
}
