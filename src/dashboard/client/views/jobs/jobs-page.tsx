import { useId } from "preact/hooks";
import { usePaged } from "../../hooks/use-paged";
import { useResource } from "../../hooks/use-resource";
import { navigate } from "../../router";
import { href } from "../../routes";
import { Loaded } from "../../ui/loaded";
import { MoreButton } from "../../ui/more-button";
import { PageHeading } from "../../ui/page-heading";
import type { ViewProps } from "../shell/views";
import { isJobStatus, JOB_STATUSES, statusWords } from "./job-words";
import { JobsTable } from "./jobs-table";
import { loadJobsPage, loadKeyNames } from "./load-jobs";

/** The project's jobs, newest first, filtered by status and key (kept in the address), a page at a time. */
export function JobsPage({ ctx, route }: ViewProps<"jobs">) {
  const projectId = ctx.project.id;
  const status = isJobStatus(route.query.status) ? route.query.status : undefined;
  const apiKeyId = route.query.key || undefined;
  const batchId = route.query.batch || undefined;
  const keys = useResource(() => loadKeyNames(projectId), [projectId]);
  // Keyboard users continue from the first job that "Load more jobs" brought.
  const paged = usePaged(
    (cursor?: string) => loadJobsPage(projectId, { status, apiKeyId, batchId }, cursor),
    [projectId, status, apiKeyId, batchId],
    "[data-job-row] .job-link",
  );
  const statusId = useId();
  const keyId = useId();

  const filter = (change: { status?: string; key?: string }) =>
    navigate(href("jobs", { projectId }, { status, key: apiKeyId, batch: batchId, ...change }));
  const keyNames = new Map((keys.data ?? []).map((k) => [k.id, k.name]));

  return (
    <>
      <PageHeading>Jobs</PageHeading>
      <p class="lead">
        Scraping jobs submitted to <strong>{ctx.project.name}</strong>, newest first. Open one to see its options, timing and result.
      </p>
      <form class="filters" aria-label="Filter jobs" onSubmit={(event) => event.preventDefault()}>
        <div class="field">
          <label for={statusId}>Status</label>
          <select id={statusId} data-keeps-focus value={status ?? ""} onChange={(event) => filter({ status: event.currentTarget.value })}>
            <option value="">Any status</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusWords[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={keyId}>Key</label>
          <select id={keyId} data-keeps-focus value={apiKeyId ?? ""} onChange={(event) => filter({ key: event.currentTarget.value })}>
            <option value="">Any key</option>
            {(keys.data ?? []).map((k) => (
              <option key={k.id} value={k.id}>
                {k.name}
              </option>
            ))}
            {apiKeyId && keys.data && !keyNames.has(apiKeyId) && <option value={apiKeyId}>A revoked key</option>}
          </select>
        </div>
      </form>
      {batchId && (
        <p class="notice" data-batch-filter>
          Only the jobs of batch <code>{batchId}</code>.{" "}
          <a href={href("jobs", { projectId }, { status, key: apiKeyId })}>Show every batch</a>
        </p>
      )}
      <Loaded resource={paged.resource} what="jobs">
        {(data) =>
          data.items.length === 0 ? (
            status || apiKeyId || batchId ? (
              <p class="empty">No jobs match these filters.</p>
            ) : (
              <div class="empty">
                <h2>No jobs yet</h2>
                <p>
                  Jobs appear here when a script submits them with one of this project's API keys. The{" "}
                  <a href={href("start", { projectId })}>quick start</a> shows how.
                </p>
              </div>
            )
          ) : (
            <>
              <JobsTable ctx={ctx} jobs={data.items} keyNames={keyNames} />
              <MoreButton paged={paged} label="Load more jobs" />
            </>
          )
        }
      </Loaded>
    </>
  );
}
