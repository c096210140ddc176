import type { Schemas } from "../../api";

export type Job = Schemas["Job"];
export type JobStatus = Schemas["JobStatus"];

export const JOB_STATUSES: JobStatus[] = ["queued", "running", "succeeded", "failed", "canceled"];

export const statusWords: Record<JobStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
};

export const isJobStatus = (value: string | undefined): value is JobStatus => JOB_STATUSES.includes(value as JobStatus);

/** Why a job failed, for a person: the API's code, said plainly. The API's own message follows it. */
export const failureReasons: Record<NonNullable<Job["error"]>["code"], string> = {
  blocked_target:
    "The address is not allowed: it points to a private, loopback or otherwise blocked network, or to a port jobs may not use.",
  dns_failed: "The site's name could not be found (the DNS lookup failed).",
  connection_failed: "The site could not be reached: the connection was refused, dropped or its TLS failed.",
  timeout: "The site did not answer in time: the whole fetch took longer than the job's time limit.",
  too_many_redirects: "The site redirected more than 5 times.",
  response_too_large: "The page was larger than the job's size limit.",
  target_error: "The site answered with a server error (5xx).",
  internal_error: "Something went wrong on our side while running the job.",
};

/** The key a job was submitted with, by name. */
export const submittedVia = (job: Job, keyNames: Map<string, string>) =>
  job.apiKeyId ? (keyNames.get(job.apiKeyId) ?? "A revoked key") : "The dashboard";
