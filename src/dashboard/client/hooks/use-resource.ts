import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { messageOf } from "../api";

export type ResourceState<T> =
  | { status: "loading"; data?: undefined; error?: undefined }
  | { status: "ready"; data: T; error?: undefined }
  | { status: "error"; data?: undefined; error: string };

export type Resource<T> = ResourceState<T> & {
  /** Loads again; what is on screen stays until the new answer arrives. */
  reload(): void;
  /** Changes the loaded data in place, after a mutation the server confirmed. */
  update(change: (data: T) => T): void;
  /** True while a reload is under way behind data already shown. */
  refreshing: boolean;
};

/**
 * The one way a view loads data: loading, then the data or an error with a retry. It loads when
 * the component mounts (so a view shows fresh data each time it opens) and again whenever `deps`
 * change; an answer that arrives after a newer request started is dropped, so a slow response for
 * the previous project never overwrites the current one. With `keepOnChange`, a change of `deps`
 * reloads behind the data already shown instead of blanking it (the frame around every view).
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], options: { keepOnChange?: boolean } = {}): Resource<T> {
  const [state, setState] = useState<ResourceState<T>>({ status: "loading" });
  const [refreshing, setRefreshing] = useState(false);
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  const run = useCallback((keepShown: boolean) => {
    const mine = ++latest.current;
    if (keepShown) setRefreshing(true);
    else setState({ status: "loading" });
    loader.current().then(
      (data) => {
        if (mine !== latest.current) return;
        setState({ status: "ready", data });
        setRefreshing(false);
      },
      (error: unknown) => {
        if (mine !== latest.current) return;
        setState({ status: "error", error: messageOf(error) });
        setRefreshing(false);
      },
    );
  }, []);

  const loaded = useRef(false);
  useEffect(() => {
    run(loaded.current && options.keepOnChange === true);
    loaded.current = true;
    // Unmounted or superseded: whatever is still in flight is ignored.
    return () => void ++latest.current;
  }, deps);

  const reload = useCallback(() => run(true), [run]);
  const update = useCallback(
    (change: (data: T) => T) => setState((s) => (s.status === "ready" ? { status: "ready", data: change(s.data) } : s)),
    [],
  );
  return { ...state, reload, update, refreshing };
}
