import type { ButtonHTMLAttributes, ComponentChildren } from "preact";

type ButtonProps = {
  variant?: "primary" | "danger" | "danger-outline";
  small?: boolean;
  /** While true the label says so and presses are ignored; focus stays on the button. */
  busy?: boolean;
  busyLabel?: string;
  children: ComponentChildren;
} & Omit<ButtonHTMLAttributes<HTMLButtonElement>, "class">;

/**
 * The page's one button. A busy button is `aria-disabled` rather than `disabled`: a disabled
 * button drops keyboard focus to the page, and a screen reader user would lose their place.
 */
export function Button({ variant, small, busy, busyLabel, children, type = "button", onClick, ...rest }: ButtonProps) {
  const classes = ["button", variant, small ? "small" : undefined].filter(Boolean).join(" ");
  return (
    <button
      {...rest}
      type={type}
      class={classes}
      aria-disabled={busy ? "true" : undefined}
      aria-busy={busy ? "true" : undefined}
      onClick={(event) => {
        if (busy) event.preventDefault();
        else onClick?.(event);
      }}
    >
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
