import { api, call, type Schemas } from "../api";
import { confirmDialog } from "../dialog";
import { announce, errorSlot, h, replace } from "../dom";
import { curlLine, exactTime, keyDisplay, relativeTime, shortDate } from "../format";
import type { ProjectContext } from "../state";
import { createKeyDialog } from "./create-key";

type ApiKey = Schemas["ApiKey"];
type Member = Schemas["Member"];

const hidden = (text: string) => h("span", { class: "visually-hidden" }, text);
const time = (iso: string, text: string) => h("time", { datetime: iso, title: exactTime(iso) }, text);

/** The project's API keys tab: the table, Create key, rename in place and revoke with confirmation. */
export async function renderKeys(main: HTMLElement, ctx: ProjectContext): Promise<void> {
  const projectId = ctx.project.id;
  const create = h("button", { type: "button", class: "button primary", id: "create-key" }, "Create key");
  const list = h("div", { class: "keys" }, h("p", { role: "status" }, "Loading keys…"));
  replace(
    main,
    h("div", { class: "page-head" }, h("h1", { tabindex: -1 }, "API keys"), create),
    h("p", { class: "lead" }, "Keys let a script or integration call the AzScraper API for ", h("strong", {}, ctx.project.name), " without your password. A key acts as the person who created it and works only in this project."),
    list,
  );
  let keys: ApiKey[] = [];
  let members: Member[] = [];

  async function load(): Promise<void> {
    const [listed, people] = await Promise.all([
      call(() => api.GET("/private/projects/{projectId}/api-keys", { params: { path: { projectId } } })),
      call(() => api.GET("/private/organizations/{orgId}/members", { params: { path: { orgId: ctx.organization.id } } })).catch(() => ({ data: [] })),
    ]);
    keys = listed.data;
    members = people.data;
    draw();
  }

  const creatorName = (id: string) => (id === ctx.me.id ? "You" : (members.find((m) => m.userId === id)?.name ?? "A former member"));

  function draw(): void {
    if (keys.length === 0) {
      replace(
        list,
        h(
          "div",
          { class: "empty" },
          h("h2", {}, "No API keys yet"),
          h("p", {}, "An API key lets a script call the API without logging in with a password. Treat it like a password: anyone with it can spend your credits."),
          h("p", {}, "Once you create one, a script sends it as a Bearer token:"),
          h("pre", { class: "curl" }, h("code", {}, curlLine(projectId))),
        ),
      );
      return;
    }
    const head = ["Name", "Key", "Created", "Last used", "Created by"].map((c) => h("th", { scope: "col" }, c));
    head.push(h("th", { scope: "col" }, hidden("Actions")));
    replace(
      list,
      h("table", { class: "table" }, h("caption", { class: "visually-hidden" }, `API keys of ${ctx.project.name}`), h("thead", {}, h("tr", {}, ...head)), h("tbody", {}, ...keys.map(row))),
    );
  }

  function row(key: ApiKey): HTMLTableRowElement {
    const nameCell = h("td", { "data-label": "Name", class: "key-name" }, key.name);
    const rename = h("button", { type: "button", class: "button small rename" }, "Rename", hidden(` ${key.name}`));
    const revoke = h("button", { type: "button", class: "button small danger-outline" }, "Revoke", hidden(` ${key.name}`));
    rename.addEventListener("click", () => editName(key, nameCell, rename));
    revoke.addEventListener("click", () => confirmRevoke(key));
    return h(
      "tr",
      { "data-key-id": key.id },
      nameCell,
      h("td", { "data-label": "Key" }, h("code", {}, keyDisplay(key.prefix, key.keyHint))),
      h("td", { "data-label": "Created" }, time(key.createdAt, shortDate(key.createdAt))),
      h("td", { "data-label": "Last used" }, key.lastUsedAt ? time(key.lastUsedAt, relativeTime(key.lastUsedAt)) : "Never"),
      h("td", { "data-label": "Created by" }, creatorName(key.createdBy)),
      h("td", { class: "actions" }, rename, revoke),
    );
  }

  function editName(key: ApiKey, cell: HTMLElement, rename: HTMLButtonElement): void {
    const input = h("input", { type: "text", required: true, maxlength: 100, "aria-label": `New name for key ${key.name}`, autocomplete: "off" });
    input.value = key.name;
    const error = errorSlot(input);
    const save = h("button", { type: "submit", class: "button small primary" }, "Save");
    const cancel = h("button", { type: "button", class: "button small" }, "Cancel");
    const form = h("form", { class: "inline-form", novalidate: true }, input, save, cancel, error.el);
    const restore = () => {
      replace(cell, key.name);
      rename.hidden = false;
      rename.focus();
    };
    cancel.addEventListener("click", restore);
    input.addEventListener("keydown", (event) => event.key === "Escape" && (event.preventDefault(), restore()));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.clear();
      save.disabled = true;
      try {
        await call(() => api.PATCH("/private/projects/{projectId}/api-keys/{id}", { params: { path: { projectId, id: key.id } }, body: { name: input.value } }));
        key.name = input.value.trim();
        draw();
        list.querySelector<HTMLElement>(`tr[data-key-id="${key.id}"] .rename`)?.focus();
        announce(`Key renamed to ${key.name}.`);
      } catch (e) {
        save.disabled = false;
        error.show((e as Error).message);
        input.focus();
      }
    });
    rename.hidden = true;
    replace(cell, form);
    input.focus();
    input.select();
  }

  function confirmRevoke(key: ApiKey): void {
    const index = keys.indexOf(key);
    confirmDialog({
      title: `Revoke the key “${key.name}”?`,
      message: [
        h("p", {}, "Scripts using ", h("code", {}, keyDisplay(key.prefix, key.keyHint)), " will get 401 Unauthorized from their next request. This cannot be undone."),
      ],
      action: `Revoke “${key.name}”`,
      busyLabel: "Revoking…",
      run: async () => {
        await call(() => api.DELETE("/private/projects/{projectId}/api-keys/{id}", { params: { path: { projectId, id: key.id } } }));
        keys = keys.filter((k) => k !== key);
        draw();
        announce(`Key ${key.name} revoked.`);
      },
      // The row is gone: land on the next key's Revoke button, or on Create key.
      returnFocus: () => (list.querySelectorAll<HTMLElement>("tbody tr .danger-outline")[Math.min(index, keys.length - 1)] ?? create),
    });
  }

  create.addEventListener("click", () =>
    createKeyDialog(projectId, (name) => {
      announce(`Key ${name} created.`);
      void load().catch(() => {});
    }, () => create),
  );
  try {
    await load();
  } catch (error) {
    const retry = h("button", { type: "button", class: "button" }, "Try again");
    retry.addEventListener("click", () => void renderKeys(main, ctx));
    replace(list, h("p", { class: "field-error", role: "alert" }, (error as Error).message), retry);
  }
}
