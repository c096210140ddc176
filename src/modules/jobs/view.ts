import type { jobs } from "../../db/schema";
import type { components } from "../../../generated/openapi";

type JobRow = typeof jobs.$inferSelect;
export type JobView = components["schemas"]["Job"];
export type JobOptions = components["schemas"]["JobOptions"];
export type JobResult = components["schemas"]["JobResult"];
export type JobError = components["schemas"]["JobError"];

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The API's view of a job; `withResult` is false for lists, which stay small. */
export function jobView(j: JobRow, withResult: boolean): JobView {
  const view: JobView = {
    id: j.id,
    projectId: j.projectId,
    url: j.url,
    status: j.status,
    options: j.options as JobOptions,
    createdAt: j.createdAt.toISOString(),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    apiKeyId: j.apiKeyId,
    createdBy: j.createdBy,
    creditsCharged: j.creditsCharged,
  };
  if (withResult && j.result) view.result = j.result as JobResult;
  if (j.error) view.error = j.error as JobError;
  return view;
}
