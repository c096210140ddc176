import { randomBytes } from "node:crypto";

/** Per-request facts the log line and the error envelope need, kept off the handler's context. */
type RequestState = { id: string; startedAt: number; principalId?: string; status?: number };

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

export function setPrincipalId(request: Request, principalId: string): void {
  requestState(request).principalId = principalId;
}
