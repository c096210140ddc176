import { href } from "../../routes";
import { Time } from "../../ui/time";
import type { ProjectContext } from "../shell/app-data";
import { type Job, submittedVia } from "./job-words";
import { StatusBadge } from "./status-badge";

/** Jobs as rows; each job's URL opens its detail page. */
export function JobsTable({ ctx, jobs, keyNames }: { ctx: ProjectContext; jobs: Job[]; keyNames: Map<string, string> }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Jobs of {ctx.project.name}</caption>
      <thead>
        <tr>
          {["Status", "URL", "Submitted", "Key"].map((column) => (
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
              <a href={href("job", { projectId: ctx.project.id, jobId: job.id })}>{job.url}</a>
            </td>
            <td data-label="Submitted">
              <Time iso={job.createdAt} />
            </td>
            <td data-label="Key">{submittedVia(job, keyNames)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
