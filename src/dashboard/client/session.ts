import { api, call, setAccessToken, setRenewer, type Schemas } from "./api";

type Session = Schemas["DashboardSession"];
type Ended = (reason: string) => void;

let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<boolean> | null = null;
let ended: Ended = () => {};

/** Called when a background renewal finds the session gone (signed out elsewhere, or expired). */
export function onSessionEnded(fn: Ended): void {
  ended = fn;
}

/** Renew well before the access token expires: a minute early, or a quarter of a short lifetime. */
function schedule(expiresIn: number): void {
  clearTimeout(timer);
  const lead = Math.min(60, expiresIn / 4);
  timer = setTimeout(() => void renewInBackground(), (expiresIn - lead) * 1000);
}

function adopt(session: Session): void {
  setAccessToken(session.accessToken);
  schedule(session.expiresIn);
}

/**
 * Refresh tokens are single use, so two tabs renewing at the same moment would spend the same
 * cookie twice and end the session. A Web Lock makes tabs of this browser take turns.
 */
function withTabLock<T>(fn: () => Promise<T>): Promise<T> {
  // The lock's callback returns a promise; request() resolves with what that promise resolves to.
  return navigator.locks ? (navigator.locks.request("azscraper-dashboard-session", fn) as unknown as Promise<T>) : fn();
}

/** Trades the session cookie for a new access token; false when there is no session. */
export function renewSession(): Promise<boolean> {
  inflight ??= withTabLock(async () => {
    const { data, response } = await api.POST("/dashboard/session/refresh");
    if (data) {
      adopt(data.data);
      return true;
    }
    if (response.status === 401) setAccessToken(null);
    else throw new Error(`refresh answered ${response.status}`);
    return false;
  }).finally(() => (inflight = null));
  return inflight;
}
setRenewer(() => renewSession().catch(() => false));

async function renewInBackground(): Promise<void> {
  try {
    if (!(await renewSession())) ended("Your session has ended. Sign in again to continue.");
  } catch {
    // Offline or the server is restarting: the token may still be valid for a while, so retry soon.
    timer = setTimeout(() => void renewInBackground(), 10_000);
  }
}

/** Signs in; the refresh token arrives as an HttpOnly cookie this script cannot read. */
export async function signIn(email: string, password: string): Promise<void> {
  const { data } = await call(() => api.POST("/dashboard/session", { body: { email, password } }));
  adopt(data);
}

/** Creates the account, then signs in with it. */
export async function signUp(name: string, email: string, password: string): Promise<void> {
  await call(() => api.POST("/auth/register", { body: { name, email, password } }));
  await signIn(email, password);
}

/** Ends the session on the server (revoking the refresh token) and forgets the access token. */
export async function signOut(): Promise<void> {
  clearTimeout(timer);
  try {
    await api.POST("/dashboard/session/logout");
  } finally {
    setAccessToken(null);
  }
}
