import type { ComponentChildren } from "preact";

/** Text for screen readers only, e.g. the key a row's "Revoke" button acts on. */
export const Hidden = ({ children }: { children: ComponentChildren }) => <span class="visually-hidden">{children}</span>;
