import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef } from "preact/hooks";
import { Button } from "./button";

type DialogProps = {
  title: ComponentChildren;
  /**
   * Escape (or another close request) asks to close: the owner decides, usually by no longer
   * rendering the dialog; the key dialog may say "not yet".
   */
  onDismiss: () => void;
  /** Where focus goes after closing, when the control that opened it may be gone. */
  returnFocus?: () => HTMLElement | null | undefined;
  describedBy?: string;
  children: ComponentChildren;
};

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert and keeps Tab
 * inside it. It is open while rendered: on unmount it closes, leaves the document (so nothing it
 * showed, such as a new key, stays behind) and gives focus back to what opened it.
 */
export function Dialog({ title, onDismiss, returnFocus, describedBy, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const latest = useRef({ onDismiss, returnFocus });
  latest.current = { onDismiss, returnFocus };

  useLayoutEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    (
      dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("input, select, textarea, button")
    )?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // After the owner's re-render, so the target (say, the next row's button) exists.
      setTimeout(() => {
        const target = latest.current.returnFocus?.() ?? opener;
        if (target?.isConnected) target.focus();
      });
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      // Escape is handled here rather than left to the browser, which may close a dialog on a
      // second Escape even when the first "cancel" was refused.
      onKeyDown={(event) => {
        if (event.key !== "Escape") return;
        event.preventDefault();
        latest.current.onDismiss();
      }}
      onCancel={(event) => {
        event.preventDefault();
        latest.current.onDismiss();
      }}
    >
      <h2 id={titleId} class="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}

type ConfirmProps = {
  title: string;
  message: ComponentChildren;
  action: string;
  busyLabel: string;
  pending: boolean;
  error: string | null;
  onConfirm: () => void;
  onDismiss: () => void;
  returnFocus?: () => HTMLElement | null | undefined;
};

/** A confirmation of a named, dangerous action; Cancel has focus, so Enter alone does no harm. */
export function ConfirmDialog(props: ConfirmProps) {
  const messageId = useId();
  return (
    <Dialog
      title={props.title}
      describedBy={messageId}
      onDismiss={() => !props.pending && props.onDismiss()}
      returnFocus={props.returnFocus}
    >
      <div class="dialog-body" id={messageId}>
        {props.message}
      </div>
      <p class="field-error" role="alert" hidden={!props.error}>
        {props.error}
      </p>
      <div class="dialog-actions">
        <Button onClick={props.onDismiss} data-autofocus>
          Cancel
        </Button>
        <Button variant="danger" busy={props.pending} busyLabel={props.busyLabel} onClick={props.onConfirm}>
          {props.action}
        </Button>
      </div>
    </Dialog>
  );
}
