import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = (limit: number) => new ApiError("payload_too_large", `The body is over ${limit / 1024} KiB; send less.`);

/** The bytes of the bodies parsed with `keepRaw`: for a route that checks a signature over them (POST /leaked-keys). */
const rawBodies = new WeakMap<Request, Uint8Array>();
export const rawBody = (request: Request): Uint8Array | undefined => rawBodies.get(request);

/** Refuses an announced body over `limit` (the largest any route takes) before reading a byte of it. */
export function checkContentLength(request: Request, limit: number): void {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > limit) throw tooLarge(limit);
}

/** How one operation's bodies are read: at most `limit` bytes; `keepRaw` also keeps the bytes for `rawBody`. */
type BodyRules = { limit?: number; keepRaw?: boolean };

/**
 * The only body parser: JSON, at most `limit` bytes (64 KiB unless the operation says more; also
 * when sent chunked), and a clear 4xx for anything else. An empty body parses to null (undefined
 * would hand it to Elysia's own parser) and is judged by the route's contract.
 */
export async function parseJsonBody(
  request: Request,
  contentType: string,
  { limit = MAX_BODY_BYTES, keepRaw = false }: BodyRules = {},
): Promise<unknown> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > limit) throw tooLarge(limit);
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > limit) throw tooLarge(limit);
  if (bytes.byteLength === 0) return null;
  if (keepRaw) rawBodies.set(request, new Uint8Array(bytes));
  if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw new ApiError(
      "unsupported_media_type",
      `Send the body as JSON with 'Content-Type: application/json' (got '${contentType.slice(0, 60) || "none"}').`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError("invalid_json", "The body is not valid UTF-8 text; send JSON encoded as UTF-8.");
  }
  let hasNul = false;
  let body: unknown;
  try {
    // PostgreSQL text cannot hold NUL characters: refuse them here rather than fail in a query.
    body = JSON.parse(text, (_, value) => {
      if (typeof value === "string" && value.includes("\0")) hasNul = true;
      return value;
    });
  } catch {
    throw new ApiError("invalid_json", "The body is not valid JSON; check quotes, commas and brackets.");
  }
  if (hasNul) throw new ApiError("validation_failed", "Text fields cannot contain NUL (\\u0000) characters.");
  return body;
}
