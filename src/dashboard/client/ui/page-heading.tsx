import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

/** A control marked `data-keeps-focus` (the switchers, the job filters) that just navigated. */
let changed: HTMLElement | null = null;
document.addEventListener(
  "change",
  (event) => {
    changed = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>("[data-keeps-focus]") : null;
  },
  true,
);

/** Where focus goes when the next view opens: its heading, or the control that navigated. */
let pending: "heading" | HTMLElement | null = null;

/** Called on every navigation: the view that opens next takes focus (see PageHeading). */
export function focusHeadingNext(): void {
  pending = changed ?? "heading";
  changed = null;
}

/**
 * A view's <h1>. After a navigation it takes focus, where a screen reader then starts reading;
 * when a switcher or filter navigated, focus goes back to that control instead, so a keyboard
 * user can keep choosing.
 */
export function PageHeading({ children, actions }: { children: ComponentChildren; actions?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    const target = pending;
    pending = null;
    if (target instanceof HTMLElement && target.isConnected) target.focus();
    else if (target) ref.current?.focus();
  }, []);
  return (
    <div class="page-head">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {actions}
    </div>
  );
}
