import { api, call } from "../api";
import { openDialog } from "../dialog";
import { busy, field, h, nextId, replace } from "../dom";
import { curlLine } from "../format";

/**
 * Create key: a name first, then the full key, once, in a read-only field with a Copy button. The
 * dialog is removed from the document when it closes, taking the only copy of the key with it.
 */
export function createKeyDialog(projectId: string, onCreated: (name: string) => void, returnFocus: () => HTMLElement | null) {
  const { dialog, close } = openDialog({ title: "Create an API key", returnFocus, body: (close) => [nameStep(close)] });
  let creating = false;
  // Escape while the key is being made would drop the only copy of it on the floor.
  dialog.addEventListener("cancel", (event) => creating && event.preventDefault());

  function nameStep(close: () => void): HTMLElement {
    const name = field("Key name", { name: "key-name", type: "text", required: true, maxlength: 100, autocomplete: "off" }, "Say where it will be used, such as ci-pipeline.");
    const submit = h("button", { type: "submit", class: "button primary" }, "Create key");
    const form = h("form", { novalidate: true, class: "dialog-step" }, name.wrapper, h("div", { class: "dialog-actions" }, h("button", { type: "button", class: "button", onclick: close }, "Cancel"), submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      name.error.clear();
      creating = true;
      try {
        const created = await busy(submit, "Creating…", () =>
          call(() => api.POST("/private/projects/{projectId}/api-keys", { params: { path: { projectId } }, body: { name: name.control.value } })),
        );
        onCreated(created.data.name);
        showKey(created.data.name, created.data.key);
      } catch (error) {
        name.error.show((error as Error).message);
        name.control.focus();
      } finally {
        creating = false;
      }
    });
    return form;
  }

  function showKey(name: string, key: string): void {
    dialog.querySelector("h2")!.textContent = `Copy your new key “${name}”`;
    const warningId = nextId("key-warning");
    const input = h("input", { type: "text", id: nextId("new-key"), readonly: true, spellcheck: "false", autocomplete: "off", class: "key-field", "aria-describedby": warningId });
    input.value = key; // a property, never an attribute: the key is not written into the markup
    const copied = h("p", { class: "copy-status", role: "status" });
    const copy = h("button", { type: "button", class: "button primary" }, "Copy");
    copy.addEventListener("click", () => void copyKey(input, copied));
    const done = h("button", { type: "button", class: "button" }, "Done");
    done.addEventListener("click", close);
    // Escape closes through "cancel" (synchronous), then "close" a task later: forget at both.
    const forget = () => (input.value = "");
    dialog.addEventListener("cancel", forget);
    dialog.addEventListener("close", forget, { once: true });
    replace(
      dialog,
      dialog.querySelector("h2"),
      h("p", { class: "warning", id: warningId }, h("strong", {}, "This is the only time the key is shown. "), "Copy it now and keep it in a secret manager or an environment variable. After you close this dialog it cannot be shown again; if it is lost, create a new key and revoke this one."),
      h("div", { class: "field" }, h("label", { for: input.id }, "Your new API key"), h("div", { class: "copy-row" }, input, copy), copied),
      h("p", {}, "Put it in ", h("code", {}, "AZSCRAPER_API_KEY"), " and call the API from a script:"),
      h("pre", { class: "curl" }, h("code", {}, curlLine(projectId))),
      h("div", { class: "dialog-actions" }, done),
    );
    input.focus();
    input.select();
  }
}

async function copyKey(input: HTMLInputElement, status: HTMLElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(input.value);
    status.textContent = "Copied to the clipboard.";
  } catch {
    // No clipboard access (plain http on another host): leave the key selected for Ctrl+C.
    input.focus();
    input.select();
    status.textContent = "Copying is blocked here: the key is selected, press Ctrl+C (or ⌘C) to copy it.";
  }
}
