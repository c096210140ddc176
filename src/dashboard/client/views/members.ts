import { api, call, type Schemas } from "../api";
import { confirmDialog } from "../dialog";
import { announce, busy, field, h, nextId, replace } from "../dom";
import { exactTime, shortDate } from "../format";
import type { ProjectContext } from "../state";

type Member = Schemas["Member"];

/** The organization's members, for owners and admins: add existing users by email, remove others. */
export async function renderMembers(main: HTMLElement, ctx: ProjectContext): Promise<void> {
  const orgId = ctx.organization.id;
  const list = h("div", {}, h("p", { role: "status" }, "Loading members…"));
  replace(
    main,
    h("div", { class: "page-head" }, h("h1", { tabindex: -1 }, "Members")),
    h("p", { class: "lead" }, "Everyone here can use every project of ", h("strong", {}, ctx.organization.name), ". Owners and admins manage members and any key."),
    addForm(),
    list,
  );
  let members: Member[] = [];

  async function load(): Promise<void> {
    members = (await call(() => api.GET("/private/organizations/{orgId}/members", { params: { path: { orgId } } }))).data;
    draw();
  }

  function draw(): void {
    const head = ["Name", "Email", "Role", "Joined"].map((c) => h("th", { scope: "col" }, c));
    head.push(h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")));
    replace(list, h("table", { class: "table" }, h("caption", { class: "visually-hidden" }, `Members of ${ctx.organization.name}`), h("thead", {}, h("tr", {}, ...head)), h("tbody", {}, ...members.map(row))));
  }

  function row(member: Member): HTMLTableRowElement {
    const remove =
      member.userId === ctx.me.id
        ? h("span", { class: "muted" }, "You")
        : h("button", { type: "button", class: "button small danger-outline" }, "Remove", h("span", { class: "visually-hidden" }, ` ${member.name}`));
    if (remove instanceof HTMLButtonElement) {
      remove.addEventListener("click", () =>
        confirmDialog({
          title: `Remove ${member.name} from ${ctx.organization.name}?`,
          message: [h("p", {}, `${member.email} loses access to the organization's projects, and the API keys they created here are revoked for good.`)],
          action: `Remove ${member.name}`,
          busyLabel: "Removing…",
          run: async () => {
            await call(() => api.DELETE("/private/organizations/{orgId}/members/{userId}", { params: { path: { orgId, userId: member.userId } } }));
            members = members.filter((m) => m !== member);
            draw();
            announce(`${member.name} removed.`);
          },
          returnFocus: () => main.querySelector<HTMLElement>("h1"),
        }),
      );
    }
    return h(
      "tr",
      {},
      h("td", { "data-label": "Name" }, member.name),
      h("td", { "data-label": "Email" }, member.email),
      h("td", { "data-label": "Role" }, member.role),
      h("td", { "data-label": "Joined" }, h("time", { datetime: member.joinedAt, title: exactTime(member.joinedAt) }, shortDate(member.joinedAt))),
      h("td", { class: "actions" }, remove),
    );
  }

  function addForm(): HTMLElement {
    const email = field("Email of an existing account", { name: "member-email", type: "email", required: true, maxlength: 254, autocomplete: "off" });
    const roleId = nextId("role");
    const role = h("select", { id: roleId, name: "role" }, h("option", { value: "member" }, "Member"), h("option", { value: "admin" }, "Admin"));
    if (ctx.organization.role === "owner") role.append(h("option", { value: "owner" }, "Owner"));
    const submit = h("button", { type: "submit", class: "button primary" }, "Add member");
    const form = h("form", { class: "add-member", novalidate: true, "aria-label": "Add a member" }, email.wrapper, h("div", { class: "field" }, h("label", { for: roleId }, "Role"), role), submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      email.error.clear();
      try {
        const added = await busy(submit, "Adding…", () =>
          call(() => api.POST("/private/organizations/{orgId}/members", { params: { path: { orgId } }, body: { email: email.control.value, role: role.value as Member["role"] } })),
        );
        members.push(added.data);
        draw();
        email.control.value = "";
        announce(`${added.data.name} added as ${added.data.role}.`);
      } catch (error) {
        email.error.show((error as Error).message);
        email.control.focus();
      }
    });
    return form;
  }

  try {
    await load();
  } catch (error) {
    replace(list, h("p", { class: "field-error", role: "alert" }, (error as Error).message));
  }
}
