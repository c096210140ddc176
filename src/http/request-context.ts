import { randomBytes } from "node:crypto";

/** Per-request facts the log line and the error envelope need, kept off the handler's context. */
type RequestState = {
  id: string;
  startedAt: number;
  principalId?: string;
  keyId?: string;
  status?: number;
  /** Headers the answer carries whatever it is, errors included (an API key's expiry). */
  headers?: Record<string, string>;
};

const states = new WeakMap<Request, RequestState>();
const CLIENT_ID = /^[\w.:-]{1,64}$/;
// Ids unique per process start (random prefix) and per request (counter): no random bytes drawn per request.
const PREFIX = `req_${randomBytes(5).toString("hex")}`;
let counter = 0;

/** Starts tracking a request; reuses a caller's `X-Request-Id` when it is short and plain. */
export function beginRequest(request: Request): RequestState {
  const given = request.headers.get("x-request-id");
  const state: RequestState = {
    id: given && CLIENT_ID.test(given) ? given : `${PREFIX}${(counter++).toString(16).padStart(6, "0")}`,
    startedAt: performance.now(),
  };
  states.set(request, state);
  return state;
}

export const requestState = (request: Request): RequestState => states.get(request) ?? beginRequest(request);

/** Who made the request; `keyId` when an API key did, so its answer is counted for the key. */
export function setPrincipalId(request: Request, principalId: string, keyId?: string): void {
  const state = requestState(request);
  state.principalId = principalId;
  state.keyId = keyId;
}

export function setResponseHeaders(request: Request, headers: Record<string, string>): void {
  requestState(request).headers = headers;
}

export const responseHeaders = (request: Request): Record<string, string> => requestState(request).headers ?? {};
