import { useRef, useState } from "preact/hooks";
import { ApiProblem, messageOf, SESSION_ENDED } from "../api";

export type Action<A extends unknown[]> = {
  /** Runs the action unless it is already running; resolves to true when it succeeded. */
  run(...args: A): Promise<boolean>;
  pending: boolean;
  /** The last failure, in words, until the next run. */
  error: string | null;
  setError(message: string | null): void;
};

/**
 * A button's or form's side of a request: busy while it runs (a second press does nothing), the
 * failure in words afterwards. When the session ended mid-request no error is set: the app is
 * already on its way to sign-in, and the form should not show a 401 it cannot do anything about.
 */
export function useAction<A extends unknown[]>(perform: (...args: A) => Promise<void>): Action<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);
  const run = async (...args: A) => {
    if (running.current) return false;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      await perform(...args);
      return true;
    } catch (e) {
      if (!(e instanceof ApiProblem && e.code === SESSION_ENDED)) setError(messageOf(e));
      return false;
    } finally {
      running.current = false;
      setPending(false);
    }
  };
  return { run, pending, error, setError };
}
