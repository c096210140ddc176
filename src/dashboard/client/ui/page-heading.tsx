import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

let pending = false;

/** After a navigation, the next page heading to mount takes focus (where a screen reader starts). */
export function focusHeadingNext(): void {
  pending = true;
}

/**
 * A view's <h1>. It takes focus when the view opens after a navigation, unless the person is on a
 * control that keeps focus while it navigates (the switchers, the job filters).
 */
export function PageHeading({ children, actions }: { children: ComponentChildren; actions?: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    if (!pending) return;
    pending = false;
    const active = document.activeElement;
    if (active instanceof HTMLElement && active.isConnected && active.closest("[data-keeps-focus]")) return;
    ref.current?.focus();
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
