import type { ComponentChildren } from "preact";
import type { Resource } from "../hooks/use-resource";
import { Button } from "./button";

type LoadedProps<T> = {
  resource: Resource<T>;
  /** What is loading, for "Loading keys…". */
  what: string;
  children: (data: T) => ComponentChildren;
};

/** Shows a resource the one way every view does: a loading line, the error with a retry, or the data. */
export function Loaded<T>({ resource, what, children }: LoadedProps<T>) {
  if (resource.status === "loading") {
    return (
      <p role="status" class="muted">
        Loading {what}…
      </p>
    );
  }
  if (resource.status === "error") {
    return (
      <div class="load-error">
        <p class="field-error" role="alert">
          {resource.error}
        </p>
        <Button busy={resource.refreshing} busyLabel="Trying again…" onClick={resource.reload}>
          Try again
        </Button>
      </div>
    );
  }
  return <>{children(resource.data)}</>;
}
