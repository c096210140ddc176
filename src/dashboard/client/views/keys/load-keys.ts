import { api, call, type Schemas } from "../../api";
import type { ProjectContext } from "../shell/app-data";

export type ApiKey = Schemas["ApiKey"];
export type Member = Schemas["Member"];
export type ServiceAccount = Schemas["ServiceAccount"];
export type KeyStatusFilter = "active" | "expired" | "revoked" | "all";
export type KeysData = { keys: ApiKey[]; members: Member[]; serviceAccounts: ServiceAccount[] };

export const isKeyStatusFilter = (value: string | undefined): value is KeyStatusFilter =>
  value === "active" || value === "expired" || value === "revoked" || value === "all";

/**
 * The project's keys with a status (unset: active and expired), and the organization's members
 * and the project's service accounts to name who each key belongs to. The service accounts are a
 * nicety for naming keys, unless `accountsRequired` (the page that lists them): then their failure
 * fails the load, instead of showing no accounts.
 */
export async function loadKeys(ctx: ProjectContext, status?: KeyStatusFilter, accountsRequired = false): Promise<KeysData> {
  const projectId = ctx.project.id;
  const path = { params: { path: { projectId } } };
  const [keys, members, serviceAccounts] = await Promise.all([
    call(() => api.GET("/private/projects/{projectId}/api-keys", { params: { path: { projectId }, query: { status } } })),
    // Owner names are a nicety: without them the column says "A former member" rather than failing.
    call(() => api.GET("/private/organizations/{orgId}/members", { params: { path: { orgId: ctx.organization.id } } })).catch(() => ({
      data: [],
    })),
    call(() => api.GET("/private/projects/{projectId}/service-accounts", path)).catch((error) => {
      if (accountsRequired) throw error;
      return { data: [] };
    }),
  ]);
  return { keys: keys.data, members: members.data, serviceAccounts: serviceAccounts.data };
}

/** "You", a member's name, or "A former member" for a creator who left the organization. */
export const creatorName = (ctx: ProjectContext, members: Member[], userId: string) =>
  userId === ctx.me.id ? "You" : (members.find((m) => m.userId === userId)?.name ?? "A former member");

/** Who a key acts as: its service account ("Service account deploy-bot"), else its creator. */
export function ownerName(ctx: ProjectContext, data: KeysData, key: ApiKey): string {
  if (!key.serviceAccountId) return creatorName(ctx, data.members, key.createdBy);
  const account = data.serviceAccounts.find((a) => a.id === key.serviceAccountId);
  return account ? `Service account ${account.name}` : "A deleted service account";
}
