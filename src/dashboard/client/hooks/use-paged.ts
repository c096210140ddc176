import { type Action, useAction } from "./use-action";
import { type Resource, useResource } from "./use-resource";

/** One page of a list; `extra` is what comes with the first page (a balance, say), kept as more pages arrive. */
export type Page<T, Extra = undefined> = { items: T[]; nextCursor: string | null; extra: Extra };

export type Paged<T, Extra = undefined> = { resource: Resource<Page<T, Extra>>; more: Action<[]> };

/**
 * A cursor-paged list loaded the one way (`useResource`), with "load more" appending the next page.
 * After more rows arrive, focus goes to the first new row (`rowSelector`, rows with tabindex=-1),
 * so a keyboard user continues from there instead of starting over.
 */
export function usePaged<T, Extra = undefined>(
  load: (cursor?: string) => Promise<Page<T, Extra>>,
  deps: readonly unknown[],
  rowSelector: string,
): Paged<T, Extra> {
  const resource = useResource(() => load(), deps);
  const more = useAction(async () => {
    if (resource.status !== "ready" || !resource.data.nextCursor) return;
    const shown = resource.data.items.length;
    const next = await load(resource.data.nextCursor);
    resource.update((d) => ({ ...d, items: [...d.items, ...next.items], nextCursor: next.nextCursor }));
    setTimeout(() => document.querySelectorAll<HTMLElement>(rowSelector)[shown]?.focus());
  });
  return { resource, more };
}
