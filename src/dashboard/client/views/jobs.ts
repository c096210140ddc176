import { api, call, type Schemas } from "../api";
import { busy, h, replace } from "../dom";
import { exactTime, relativeTime } from "../format";
import type { ProjectContext } from "../state";

type Job = Schemas["Job"];

/** The project's jobs, newest first, a page at a time, with the key that submitted each. */
export async function renderJobs(main: HTMLElement, ctx: ProjectContext): Promise<void> {
  const projectId = ctx.project.id;
  const body = h("div", {}, h("p", { role: "status" }, "Loading jobs…"));
  replace(main, h("div", { class: "page-head" }, h("h1", { tabindex: -1 }, "Jobs")), body);
  try {
    const [page, keys] = await Promise.all([
      call(() => api.GET("/projects/{projectId}/jobs", { params: { path: { projectId }, query: { limit: 20 } } })),
      call(() => api.GET("/private/projects/{projectId}/api-keys", { params: { path: { projectId } } })),
    ]);
    const keyNames = new Map(keys.data.map((k) => [k.id, k.name]));
    const via = (job: Job) => (job.apiKeyId ? (keyNames.get(job.apiKeyId) ?? "A revoked key") : "The dashboard");
    if (page.data.length === 0) {
      replace(body, h("div", { class: "empty" }, h("h2", {}, "No jobs yet"), h("p", {}, "Jobs appear here when a script submits them with one of this project's API keys.")));
      return;
    }
    const row = (job: Job) =>
      h(
        "tr",
        {},
        h("td", { "data-label": "Status" }, h("span", { class: `status status-${job.status}` }, job.status)),
        h("td", { "data-label": "URL", class: "url" }, job.url),
        h("td", { "data-label": "Submitted" }, h("time", { datetime: job.createdAt, title: exactTime(job.createdAt) }, relativeTime(job.createdAt))),
        h("td", { "data-label": "Key" }, via(job)),
      );
    const tbody = h("tbody", {}, ...page.data.map(row));
    const head = ["Status", "URL", "Submitted", "Key"].map((c) => h("th", { scope: "col" }, c));
    replace(body, h("table", { class: "table" }, h("caption", { class: "visually-hidden" }, `Jobs of ${ctx.project.name}`), h("thead", {}, h("tr", {}, ...head)), tbody));
    let cursor = page.nextCursor;
    if (cursor) {
      const more = h("button", { type: "button", class: "button" }, "Load more jobs");
      more.addEventListener("click", async () => {
        const next = await busy(more, "Loading…", () =>
          call(() => api.GET("/projects/{projectId}/jobs", { params: { path: { projectId }, query: { limit: 20, cursor: cursor! } } })),
        );
        tbody.append(...next.data.map(row));
        cursor = next.nextCursor;
        if (!cursor) more.remove();
      });
      body.append(more);
    }
  } catch (error) {
    replace(body, h("p", { class: "field-error", role: "alert" }, (error as Error).message));
  }
}
