import type { Paged } from "../hooks/use-paged";
import { Button } from "./button";

/** The error of the last "load more", and the button while there is a next page. */
export function MoreButton<T, E>({ paged, label }: { paged: Paged<T, E>; label: string }) {
  const { resource, more } = paged;
  return (
    <>
      {more.error && (
        <p class="field-error" role="alert">
          {more.error}
        </p>
      )}
      {resource.data?.nextCursor && (
        <Button busy={more.pending} busyLabel="Loading…" onClick={() => void more.run()}>
          {label}
        </Button>
      )}
    </>
  );
}
