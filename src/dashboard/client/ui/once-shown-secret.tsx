import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Button } from "./button";

/**
 * The guard around a secret shown once (a new key, a rolled key, a webhook signing secret): until
 * it was copied, a stray Escape, an outside click or Done asks "close without copying?" instead
 * of closing, since closing is the end of the only copy.
 */
export function useOnceShown(onClose: () => void) {
  const [copied, setCopied] = useState(false);
  const [confirmingClose, setConfirmingClose] = useState(false);
  return {
    copied,
    confirmingClose,
    onCopied: () => {
      setCopied(true);
      setConfirmingClose(false);
    },
    /** What the dialog's Escape and Done do while the secret shows. */
    dismiss: () => (copied ? onClose() : setConfirmingClose(true)),
    keepOpen: () => setConfirmingClose(false),
    closeAnyway: onClose,
  };
}
export type OnceShown = ReturnType<typeof useOnceShown>;

type OnceShownSecretProps = {
  guard: OnceShown;
  secret: string;
  /** The field's label, "Your new API key". */
  label: string;
  /** What it is in "You have not copied the key.": "key", "secret". */
  noun: string;
  /** Why it matters and what to do if it is lost. */
  warning: ComponentChildren;
  /** How to use it, under the field (the curl line for a key). */
  children?: ComponentChildren;
};

/**
 * The secret in a read-only field with a Copy button. Its value is a DOM property, never an
 * attribute, so it is not written into the markup; it leaves the page with the dialog.
 */
export function OnceShownSecret({ guard, secret, label, noun, warning, children }: OnceShownSecretProps) {
  const inputId = useId();
  const warningId = useId();
  const askId = useId();
  const input = useRef<HTMLInputElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  const keepOpen = useRef<HTMLButtonElement>(null);
  const [status, setStatus] = useState("");
  const asked = useRef(false);

  useLayoutEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  useLayoutEffect(() => {
    if (guard.confirmingClose) keepOpen.current?.focus();
    else if (asked.current && !guard.copied) copyButton.current?.focus();
    asked.current = guard.confirmingClose;
  }, [guard.confirmingClose]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setStatus("Copied to the clipboard.");
      guard.onCopied();
    } catch {
      // No clipboard access (plain http on another host): leave the secret selected for Ctrl+C.
      input.current?.focus();
      input.current?.select();
      setStatus(`Copying is blocked here: the ${noun} is selected, press Ctrl+C (or ⌘C) to copy it.`);
    }
  };

  return (
    <>
      <p class="warning" id={warningId}>
        <strong>This is the only time the {noun} is shown. </strong>
        {warning}
      </p>
      <div class="field">
        <label for={inputId}>{label}</label>
        <div class="copy-row">
          <input
            id={inputId}
            ref={input}
            type="text"
            readOnly
            spellcheck={false}
            autocomplete="off"
            class="key-field"
            aria-describedby={warningId}
            value={secret}
            onCopy={guard.onCopied}
          />
          <Button ref={copyButton} variant="primary" onClick={copy}>
            Copy
          </Button>
        </div>
        <p class="copy-status" role="status">
          {status}
        </p>
      </div>
      {children}
      {guard.confirmingClose ? (
        // biome-ignore lint/a11y/useSemanticElements: a fieldset would draw a border and needs a legend; this group is labelled by its question
        <div role="group" aria-labelledby={askId}>
          <p class="warning" id={askId}>
            <strong>You have not copied the {noun}.</strong> Once this dialog closes, the {noun} cannot be shown again.
          </p>
          <div class="dialog-actions">
            <Button ref={keepOpen} onClick={guard.keepOpen}>
              Keep it open
            </Button>
            <Button variant="danger" onClick={guard.closeAnyway}>
              Close without copying
            </Button>
          </div>
        </div>
      ) : (
        <div class="dialog-actions">
          <Button onClick={guard.dismiss}>Done</Button>
        </div>
      )}
    </>
  );
}
