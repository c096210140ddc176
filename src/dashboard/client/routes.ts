/**
 * Every screen of the dashboard, by name, with its URL pattern. Routes live in the URL fragment,
 * so a reload, a bookmark or the return after signing in lands on the same screen; the server
 * only ever serves `/`. A new view is one line here, one tab in `shell/tabs.ts` and one component.
 */
const table = {
  "sign-in": "sign-in",
  "sign-up": "sign-up",
  home: "",
  organization: "organizations/:orgId",
  keys: "projects/:projectId/keys",
  jobs: "projects/:projectId/jobs",
  job: "projects/:projectId/jobs/:jobId",
  credits: "projects/:projectId/credits",
  members: "projects/:projectId/members",
  webhooks: "projects/:projectId/webhooks",
  webhook: "projects/:projectId/webhooks/:webhookId",
  "service-accounts": "projects/:projectId/service-accounts",
  usage: "projects/:projectId/usage",
  audit: "projects/:projectId/audit-log",
  start: "projects/:projectId/start",
} as const;

type Table = typeof table;
export type RouteName = keyof Table;

/** ":projectId/jobs/:jobId" → "projectId" | "jobId" */
type ParamNames<P extends string> = P extends `${infer Head}/${infer Tail}`
  ? ParamNames<Head> | ParamNames<Tail>
  : P extends `:${infer Name}`
    ? Name
    : never;
export type Params<N extends RouteName> = { [K in ParamNames<Table[N]>]: string };
export type Query = Record<string, string>;

/** A parsed route; `Route<"job">` has `params.projectId` and `params.jobId`, typed. */
export type Route<N extends RouteName = RouteName> = N extends RouteName ? { name: N; params: Params<N>; query: Query } : never;

/** The routes that show one project (and its organization) inside the signed-in frame. */
export type ProjectRouteName = {
  [N in RouteName]: ParamNames<Table[N]> extends never ? never : "projectId" extends ParamNames<Table[N]> ? N : never;
}[RouteName];
export type ProjectRoute = Route<ProjectRouteName>;
/** A project's top-level sections (the tabs): routes that need nothing but the project. */
export type SectionName = { [N in ProjectRouteName]: ParamNames<Table[N]> extends "projectId" ? N : never }[ProjectRouteName];

export const isProjectRoute = (route: Route): route is ProjectRoute => "projectId" in route.params;

/** The fragment for a route: `href("job", { projectId, jobId })` → `#/projects/…/jobs/…`. */
export function href<N extends RouteName>(name: N, params: Params<N>, query: Record<string, string | undefined> = {}): string {
  const path = table[name].replace(/:(\w+)/g, (_, key: string) => encodeURIComponent((params as Record<string, string>)[key]!));
  const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1])).toString();
  return `#/${path}${search ? `?${search}` : ""}`;
}

/** The route a fragment names, or null for one that names none. */
export function parseRoute(hash: string): Route | null {
  const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean);
  for (const [name, pattern] of Object.entries(table) as [RouteName, string][]) {
    const want = pattern.split("/").filter(Boolean);
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = want.every((segment, i) => {
      if (!segment.startsWith(":")) return segment === parts[i];
      const value = safeDecode(parts[i]!);
      params[segment.slice(1)] = value;
      return value !== "";
    });
    if (matches) return { name, params, query: Object.fromEntries(new URLSearchParams(search)) } as Route;
  }
  return null;
}

const safeDecode = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
};

/** The current fragment without its `#`, to come back to after signing in. */
export const currentPlace = () => location.hash.replace(/^#/, "");

/**
 * Where to go after signing in: the page the person was on, if it is a dashboard route (never an
 * arbitrary URL), else the default screen.
 */
export function returnTo(next: string | undefined): string {
  const route = next ? parseRoute(`#${next}`) : null;
  return route && route.name !== "sign-in" && route.name !== "sign-up" ? `#${next}` : href("home", {});
}
