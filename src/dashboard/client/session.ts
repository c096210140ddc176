import { api, call, reportSessionEnded, type Schemas, setAccessToken, setRenewer } from "./api";

type Session = Schemas["DashboardSession"];

let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<boolean> | null = null;

/**
 * Whether this browser signed in and has not signed out since. The refresh cookie is HttpOnly, so
 * the page cannot see it; without this hint every signed-out visit would send a refresh that is
 * sure to fail, and the browser logs that 401 as a console error. It holds no token, only "1".
 */
const HINT = "azscraper.dashboard.signed-in";
function setHint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT, "1");
    else localStorage.removeItem(HINT);
  } catch {
    // Storage disabled: every load then probes, which costs one logged 401 when signed out.
  }
}
function hinted(): boolean {
  try {
    return localStorage.getItem(HINT) === "1";
  } catch {
    return true;
  }
}

/** Renew well before the access token expires: a minute early, or a quarter of a short lifetime. */
function schedule(expiresIn: number): void {
  clearTimeout(timer);
  const lead = Math.min(60, expiresIn / 4);
  timer = setTimeout(() => void renewInBackground(), (expiresIn - lead) * 1000);
}

function adopt(session: Session): void {
  setAccessToken(session.accessToken);
  setHint(true);
  schedule(session.expiresIn);
}

function forget(): void {
  clearTimeout(timer);
  setAccessToken(null);
  setHint(false);
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
    if (response.status === 401) forget();
    else throw new Error(`refresh answered ${response.status}`);
    return false;
  }).finally(() => (inflight = null));
  return inflight;
}
setRenewer(() => renewSession().catch(() => false));

/** The first look when the page opens: renew only when this browser may still have a session. */
export const resumeSession = (): Promise<boolean> => (hinted() ? renewSession() : Promise.resolve(false));

async function renewInBackground(): Promise<void> {
  try {
    if (!(await renewSession())) reportSessionEnded();
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
  try {
    await api.POST("/dashboard/session/logout");
  } finally {
    forget();
  }
}
