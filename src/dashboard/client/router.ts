import { useEffect, useMemo, useState } from "preact/hooks";
import { parseRoute, type Route } from "./routes";
import { focusHeadingNext } from "./ui/page-heading";

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

window.addEventListener("hashchange", () => {
  focusHeadingNext();
  notify();
});

/** Goes to a route, adding a history entry (links do this by themselves). */
export function navigate(hash: string): void {
  location.hash = hash;
}

/** Swaps the current history entry for another route: for redirects, so Back does not bounce. */
export function redirect(hash: string): void {
  if (location.hash === hash) return;
  history.replaceState(null, "", hash);
  focusHeadingNext();
  notify();
}

/** The route in the address bar, re-rendering on every change. Null for a fragment that names none. */
export function useRoute(): Route | null {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const listener = () => setHash(location.hash);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
