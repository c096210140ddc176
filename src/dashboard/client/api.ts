import createClient from "openapi-fetch";
import type { components, paths } from "../../../generated/openapi";

/** The API's schemas, straight from openapi.yaml: a spec change that breaks the page fails `tsc`. */
export type Schemas = components["schemas"];

let accessToken: string | null = null;
let renew: () => Promise<boolean> = async () => false;
let sessionEnded: () => void = () => {};

/** The session's access token lives here, in memory only: never in web storage or a readable cookie. */
export function setAccessToken(token: string | null): void {
  accessToken = token;
}

/** How to get a fresh access token when the API says the current one expired. */
export function setRenewer(fn: () => Promise<boolean>): void {
  renew = fn;
}

/** What to do when the session is over for good (the refresh token is dead too). */
export function onSessionEnded(fn: () => void): void {
  sessionEnded = fn;
}

/** Says the session is over: the app goes to sign-in, remembering the page to come back to. */
export const reportSessionEnded = () => sessionEnded();

/** The typed client over this deployment's API (same origin as the page). */
export const api = createClient<paths>({ baseUrl: location.origin });
api.use({
  onRequest({ request }) {
    if (accessToken && !request.headers.has("authorization")) request.headers.set("authorization", `Bearer ${accessToken}`);
    return request;
  },
});

/** An API refusal, in words a person can act on, with the status and code for branching. */
export class ApiProblem extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Thrown instead of the API's 401 once the session is over: the app is already on its way to sign-in. */
export const SESSION_ENDED = "session_ended";

type ErrorBody = { error?: { code?: string; message?: string } };
type Result<T> = { data?: T; error?: unknown; response: Response };

function problemFrom(response: Response, body: unknown): ApiProblem {
  const error = (body as ErrorBody | undefined)?.error;
  let message = error?.message ?? `The server answered with status ${response.status}. Try again in a moment.`;
  const retryAfter = response.headers.get("retry-after");
  if (response.status === 429 && retryAfter && !/try again/i.test(message)) {
    message += ` Try again in ${retryAfter} second${retryAfter === "1" ? "" : "s"}.`;
  }
  return new ApiProblem(message, response.status, error?.code ?? "unknown");
}

async function attempt<T>(send: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await send();
  } catch {
    throw new ApiProblem("The server could not be reached. Check your connection and try again.", 0, "network");
  }
}

/** The 401s that mean "your session token is gone or stale", as opposed to a wrong password. */
const sessionRefused = (result: Result<unknown>) =>
  result.response.status === 401 && ["invalid_token", "missing_credentials"].includes((result.error as ErrorBody)?.error?.code ?? "");

/**
 * Sends a request and returns its data, or throws an ApiProblem. An expired access token is
 * renewed once and the request repeated, so a laptop waking from sleep does not lose the page.
 * When the session cannot be renewed, the app is told (it goes to sign-in and comes back here
 * afterwards) instead of the API's 401 message landing in whatever form sent the request.
 */
export async function call<T>(send: () => Promise<Result<T>>): Promise<NonNullable<T>> {
  let result = await attempt(send);
  if (sessionRefused(result)) {
    if (await renew()) result = await attempt(send);
    if (sessionRefused(result)) {
      sessionEnded();
      throw new ApiProblem("Your session has ended. Sign in again to continue.", 401, SESSION_ENDED);
    }
  }
  if (result.error !== undefined || result.data === undefined || result.data === null) {
    throw problemFrom(result.response, result.error);
  }
  return result.data as NonNullable<T>;
}

/** The message to show for anything a request threw. */
export const messageOf = (error: unknown) =>
  error instanceof ApiProblem ? error.message : "Something went wrong. Try again, or reload the page.";
