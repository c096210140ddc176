import type { components } from "../../../generated/openapi";
import type { jobs } from "../../db/schema";

/** The columns a job's view is made of (a submit builds one without reading the row back). */
export type JobRow = Pick<
  typeof jobs.$inferSelect,
  | "id"
  | "projectId"
  | "url"
  | "status"
  | "options"
  | "createdAt"
  | "startedAt"
  | "finishedAt"
  | "apiKeyId"
  | "createdBy"
  | "creditsCharged"
  | "result"
  | "error"
  | "batchId"
  | "serviceAccountId"
  | "webhookUrl"
>;
export type JobView = components["schemas"]["Job"];
export type JobOptions = components["schemas"]["JobOptions"];
export type JobResult = components["schemas"]["JobResult"];
export type JobError = components["schemas"]["JobError"];
export type JobSelector = components["schemas"]["JobSelector"];

/** What a job gets for each option it was submitted without. */
export const DEFAULT_OPTIONS: Omit<JobOptions, "headers"> = {
  timeoutMs: 15_000,
  maxBytes: 2 * 1024 * 1024,
  extract: ["title", "text", "links"],
  onlyMainContent: true,
  selectors: {},
};

/** A stored job's options as the worker and the API read them: rows stored before an option existed get its default. */
export function withDefaults(stored: unknown): JobOptions {
  return ordered({ ...DEFAULT_OPTIONS, headers: {}, ...(stored as Partial<JobOptions>) }, [
    "timeoutMs",
    "maxBytes",
    "extract",
    "onlyMainContent",
    "selectors",
    "headers",
  ]);
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

// jsonb keeps keys in its own order; answer in the order the spec documents them.
const RESULT_ORDER = [
  "statusCode",
  "finalUrl",
  "contentType",
  "bytes",
  "durationMs",
  "title",
  "text",
  "markdown",
  "links",
  "meta",
  "data",
  "html",
];
function ordered<T extends object>(value: T, order: string[]): T {
  const entries = Object.entries(value).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  return Object.fromEntries(entries) as T;
}

/** The API's view of a job; `withResult` is false for lists, which stay small. */
export function jobView(j: JobRow, withResult: boolean): JobView {
  const view: JobView = {
    id: j.id,
    projectId: j.projectId,
    url: j.url,
    status: j.status,
    options: withDefaults(j.options),
    createdAt: j.createdAt.toISOString(),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    apiKeyId: j.apiKeyId,
    createdBy: j.createdBy,
    creditsCharged: j.creditsCharged,
    batchId: j.batchId,
  };
  if (j.serviceAccountId) view.serviceAccountId = j.serviceAccountId;
  if (withResult && j.result) view.result = ordered(j.result as JobResult, RESULT_ORDER);
  if (j.error) view.error = j.error as JobError;
  if (j.webhookUrl) view.webhook = { url: j.webhookUrl };
  return view;
}
