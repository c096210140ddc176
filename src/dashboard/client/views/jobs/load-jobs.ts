import { api, call } from "../../api";
import type { Page } from "../../hooks/use-paged";
import type { ApiKey } from "../keys/load-keys";
import type { Job, JobStatus } from "./job-words";

export type JobFilters = { status?: JobStatus; apiKeyId?: string; batchId?: string };

const PAGE = 20;

/** One page of the project's jobs, newest first, with the filters the API supports. */
export async function loadJobsPage(projectId: string, filters: JobFilters, cursor?: string): Promise<Page<Job>> {
  const page = await call(() =>
    api.GET("/projects/{projectId}/jobs", { params: { path: { projectId }, query: { limit: PAGE, cursor, ...filters } } }),
  );
  return { items: page.data, nextCursor: page.nextCursor, extra: undefined };
}

/** The project's keys, to name the key each job came from and to filter by key. */
export async function loadKeyNames(projectId: string): Promise<ApiKey[]> {
  return (await call(() => api.GET("/private/projects/{projectId}/api-keys", { params: { path: { projectId } } }))).data;
}
