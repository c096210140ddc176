import { h, nextId } from "./dom";

export type DialogOptions = {
  title: string;
  /** Built once the dialog exists, so content can close it. */
  body: (close: () => void) => Node[];
  /** Where focus goes after closing, when the control that opened it may be gone. */
  returnFocus?: () => HTMLElement | null | undefined;
  onClose?: () => void;
};

/**
 * A modal built on the native <dialog>: showModal() makes the rest of the page inert and keeps
 * Tab inside it, Escape closes it, and on close it is removed from the document (so nothing it
 * showed stays behind) and focus returns to what opened it.
 */
export function openDialog(options: DialogOptions): { dialog: HTMLDialogElement; close: () => void } {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = nextId("dialog-title");
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId });
  // The close event comes a task later; remove the dialog now so that nothing it showed (a new
  // key) is still in the document once close() returns.
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  dialog.append(h("h2", { id: titleId, class: "dialog-title" }, options.title), ...options.body(close));
  dialog.addEventListener("close", () => {
    dialog.remove();
    options.onClose?.();
    const target = options.returnFocus?.() ?? opener;
    if (target?.isConnected) target.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector<HTMLElement>("[autofocus]") ?? dialog.querySelector<HTMLElement>("input, select, textarea, button");
  first?.focus();
  return { dialog, close };
}

/** A confirmation with a named, dangerous action; resolves once the action succeeded. */
export function confirmDialog(options: {
  title: string;
  message: Node[];
  action: string;
  busyLabel: string;
  run: () => Promise<void>;
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const messageId = nextId("dialog-message");
  const opened = openDialog({
    title: options.title,
    returnFocus: options.returnFocus,
    body: (close) => {
      const error = h("p", { class: "field-error", role: "alert", hidden: true });
      const confirm = h("button", { type: "button", class: "button danger" }, options.action);
      confirm.addEventListener("click", async () => {
        error.hidden = true;
        confirm.disabled = true;
        confirm.textContent = options.busyLabel;
        try {
          await options.run();
          close();
        } catch (e) {
          error.textContent = (e as Error).message;
          error.hidden = false;
          confirm.disabled = false;
          confirm.textContent = options.action;
          confirm.focus();
        }
      });
      const cancel = h("button", { type: "button", class: "button", autofocus: true, onclick: close }, "Cancel");
      return [h("div", { class: "dialog-body", id: messageId }, ...options.message), error, h("div", { class: "dialog-actions" }, cancel, confirm)];
    },
  });
  opened.dialog.setAttribute("aria-describedby", messageId);
  return opened;
}
