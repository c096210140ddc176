import { href } from "../../routes";
import { Time } from "../../ui/time";
import type { ProjectContext } from "../shell/app-data";
import { type Job, submittedVia } from "./job-words";
import { StatusBadge } from "./status-badge";

/** Jobs as rows; each job's URL opens its detail page, and a job of a batch links to that batch's jobs. */
export function JobsTable({ ctx, jobs, keyNames }: { ctx: ProjectContext; jobs: Job[]; keyNames: Map<string, string> }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Jobs of {ctx.project.name}</caption>
      <thead>
        <tr>
          {["Status", "URL", "Submitted", "Key", "Batch"].map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} data-job-row>
            <td data-label="Status">
              <StatusBadge status={job.status} />
            </td>
            <td data-label="URL" class="url">
              <a class="job-link" href={href("job", { projectId: ctx.project.id, jobId: job.id })}>
                {job.url}
              </a>
            </td>
            <td data-label="Submitted">
              <Time iso={job.createdAt} />
            </td>
            <td data-label="Key">{submittedVia(job, keyNames)}</td>
            <td data-label="Batch">
              {job.batchId ? (
                <a
                  href={href("jobs", { projectId: ctx.project.id }, { batch: job.batchId })}
                  aria-label={`Batch …${job.batchId.slice(-6)}: only its jobs`}
                >
                  …{job.batchId.slice(-6)}
                </a>
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
