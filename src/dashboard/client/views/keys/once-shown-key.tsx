import { useId, useLayoutEffect, useRef, useState } from "preact/hooks";
import { curlLine } from "../../format";
import { Button } from "../../ui/button";

type OnceShownKeyProps = {
  projectId: string;
  apiKey: string;
  copied: boolean;
  onCopied: () => void;
  /** A close was asked for before the key was copied: ask whether to lose it. */
  confirmingClose: boolean;
  onDone: () => void;
  onKeepOpen: () => void;
  onCloseAnyway: () => void;
};

/**
 * The new key in a read-only field with a Copy button. Its value is a DOM property, never an
 * attribute, so it is not written into the markup; it leaves the page with the dialog.
 */
export function OnceShownKey(props: OnceShownKeyProps) {
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
    if (props.confirmingClose) keepOpen.current?.focus();
    else if (asked.current && !props.copied) copyButton.current?.focus();
    asked.current = props.confirmingClose;
  }, [props.confirmingClose]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.apiKey);
      setStatus("Copied to the clipboard.");
      props.onCopied();
    } catch {
      // No clipboard access (plain http on another host): leave the key selected for Ctrl+C.
      input.current?.focus();
      input.current?.select();
      setStatus("Copying is blocked here: the key is selected, press Ctrl+C (or ⌘C) to copy it.");
    }
  };

  return (
    <>
      <p class="warning" id={warningId}>
        <strong>This is the only time the key is shown. </strong>
        Copy it now and keep it in a secret manager or an environment variable. After you close this dialog it cannot be shown again; if it
        is lost, create a new key and revoke this one.
      </p>
      <div class="field">
        <label for={inputId}>Your new API key</label>
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
            value={props.apiKey}
            onCopy={props.onCopied}
          />
          <Button ref={copyButton} variant="primary" onClick={copy}>
            Copy
          </Button>
        </div>
        <p class="copy-status" role="status">
          {status}
        </p>
      </div>
      <p>
        Put it in <code>AZSCRAPER_API_KEY</code> and call the API from a script:
      </p>
      <pre class="curl">
        <code>{curlLine(props.projectId)}</code>
      </pre>
      {props.confirmingClose ? (
        // biome-ignore lint/a11y/useSemanticElements: a fieldset would draw a border and needs a legend; this group is labelled by its question
        <div role="group" aria-labelledby={askId}>
          <p class="warning" id={askId}>
            <strong>You have not copied the key.</strong> Once this dialog closes, the key cannot be shown again.
          </p>
          <div class="dialog-actions">
            <Button ref={keepOpen} onClick={props.onKeepOpen}>
              Keep it open
            </Button>
            <Button variant="danger" onClick={props.onCloseAnyway}>
              Close without copying
            </Button>
          </div>
        </div>
      ) : (
        <div class="dialog-actions">
          <Button onClick={props.onDone}>Done</Button>
        </div>
      )}
    </>
  );
}
