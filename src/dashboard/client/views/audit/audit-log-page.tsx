import { api, call } from "../../api";
import { usePaged } from "../../hooks/use-paged";
import { useResource } from "../../hooks/use-resource";
import { navigate } from "../../router";
import { href } from "../../routes";
import { SelectField } from "../../ui/choice";
import { Loaded } from "../../ui/loaded";
import { MoreButton } from "../../ui/more-button";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import { Time } from "../../ui/time";
import { loadKeys } from "../keys/load-keys";
import type { ProjectContext } from "../shell/app-data";
import type { ViewProps } from "../shell/views";
import { AUDIT_ACTIONS, type AuditAction, actionWords, actorWords, type Names, targetText } from "./audit-words";

const PAGE = 25;

/** Who is who: the organization's people and projects, this project's keys and service accounts. */
async function loadNames(ctx: ProjectContext): Promise<Names> {
  const data = await loadKeys(ctx, "all");
  const names: Names = new Map();
  for (const m of data.members) names.set(m.userId, m.userId === ctx.me.id ? `You (${m.name})` : m.name);
  for (const k of data.keys) names.set(k.id, k.name);
  for (const a of data.serviceAccounts) names.set(a.id, a.name);
  names.set(ctx.project.id, ctx.project.name);
  names.set(ctx.organization.id, ctx.organization.name);
  return names;
}

const isAction = (value: string | undefined): value is AuditAction => AUDIT_ACTIONS.includes(value as AuditAction);

/**
 * The organization's audit log, for owners and admins: who did what to which object, from which
 * address and when, newest first, a page at a time; filtered by action and to this project (the
 * filters are in the address).
 */
export function AuditLogPage({ ctx, route }: ViewProps<"audit">) {
  const orgId = ctx.organization.id;
  const projectId = ctx.project.id;
  const action = isAction(route.query.action) ? route.query.action : undefined;
  const scope = route.query.scope === "organization" ? "organization" : "project";
  // Names are a nicety: until (or unless) they load, people and keys show by the end of their id.
  const names = useResource(() => loadNames(ctx).catch((): Names => new Map()), [projectId]);
  const events = usePaged(
    async (cursor?: string) => {
      const page = await call(() =>
        api.GET("/private/organizations/{orgId}/audit-log", {
          params: { path: { orgId }, query: { limit: PAGE, cursor, action, projectId: scope === "project" ? projectId : undefined } },
        }),
      );
      return { items: page.data, nextCursor: page.nextCursor, extra: undefined };
    },
    [orgId, projectId, action, scope],
    "[data-audit-row]",
  );
  const go = (change: { action?: string; scope?: string }) => navigate(href("audit", { projectId }, { action, scope, ...change }));

  return (
    <>
      <PageHeading>Audit log</PageHeading>
      <p class="lead">
        Every change to keys, members, projects and credits in <strong>{ctx.organization.name}</strong>: who made it, from which address and
        when. Events cannot be changed or deleted.
      </p>
      <div class="filters">
        <SelectField
          label="Action"
          keepsFocus
          value={action ?? ""}
          options={[{ value: "", label: "Any action" }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: actionWords[a] }))]}
          onChange={(value) => go({ action: value })}
        />
        <SelectField
          label="Where"
          keepsFocus
          value={scope}
          options={[
            { value: "project", label: `${ctx.project.name} only` },
            { value: "organization", label: "The whole organization" },
          ]}
          onChange={(value) => go({ scope: value === "organization" ? value : undefined })}
        />
      </div>
      <Loaded resource={events.resource} what="the audit log">
        {({ items }) =>
          items.length === 0 ? (
            <p class="empty">No events match these filters.</p>
          ) : (
            <>
              <table class="table">
                <caption class="visually-hidden">Audit events, newest first</caption>
                <TableHead columns={["When", "Who", "Action", "Target", "Address"]} />
                <tbody>
                  {items.map((e) => (
                    <tr key={e.id} data-audit-row tabIndex={-1}>
                      <td data-label="When">
                        <Time iso={e.createdAt} style="exact" />
                      </td>
                      <td data-label="Who">{actorWords(e, names.data ?? new Map())}</td>
                      <td data-label="Action">{actionWords[e.action]}</td>
                      <td data-label="Target">{targetText(e, names.data ?? new Map())}</td>
                      <td data-label="Address">{e.ip ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <MoreButton paged={events} label="Show older events" />
            </>
          )
        }
      </Loaded>
    </>
  );
}
