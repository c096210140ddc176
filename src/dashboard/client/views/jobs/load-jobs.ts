import { api, call } from "../../api";
import type { ApiKey } from "../keys/load-keys";
import type { Job, JobStatus } from "./job-words";

export type JobFilters = { status?: JobStatus; apiKeyId?: string };
export type JobsPageData = { jobs: Job[]; nextCursor: string | null };

const PAGE = 20;

/** One page of the project's jobs, newest first, with the filters the API supports. */
export async function loadJobsPage(projectId: string, filters: JobFilters, cursor?: string): Promise<JobsPageData> {
  const page = await call(() =>
    api.GET("/projects/{projectId}/jobs", { params: { path: { projectId }, query: { limit: PAGE, cursor, ...filters } } }),
  );
  return { jobs: page.data, nextCursor: page.nextCursor };
}

/** The project's keys, to name the key each job came from and to filter by key. */
export async function loadKeyNames(projectId: string): Promise<ApiKey[]> {
  return (await call(() => api.GET("/private/projects/{projectId}/api-keys", { params: { path: { projectId } } }))).data;
}
