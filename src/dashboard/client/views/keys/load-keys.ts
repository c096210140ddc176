import { api, call, type Schemas } from "../../api";
import type { ProjectContext } from "../shell/app-data";

export type ApiKey = Schemas["ApiKey"];
export type Member = Schemas["Member"];
export type KeysData = { keys: ApiKey[]; members: Member[] };

/** The project's keys, and the organization's members to name each key's creator. */
export async function loadKeys(ctx: ProjectContext): Promise<KeysData> {
  const projectId = ctx.project.id;
  const [keys, members] = await Promise.all([
    call(() => api.GET("/private/projects/{projectId}/api-keys", { params: { path: { projectId } } })),
    // Creator names are a nicety: without them the column says "A former member" rather than failing.
    call(() => api.GET("/private/organizations/{orgId}/members", { params: { path: { orgId: ctx.organization.id } } })).catch(() => ({
      data: [],
    })),
  ]);
  return { keys: keys.data, members: members.data };
}

/** "You", a member's name, or "A former member" for a creator who left the organization. */
export const creatorName = (ctx: ProjectContext, members: Member[], userId: string) =>
  userId === ctx.me.id ? "You" : (members.find((m) => m.userId === userId)?.name ?? "A former member");
