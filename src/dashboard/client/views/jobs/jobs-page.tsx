import { useId } from "preact/hooks";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { navigate } from "../../router";
import { href } from "../../routes";
import { Button } from "../../ui/button";
import { Loaded } from "../../ui/loaded";
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
  const keys = useResource(() => loadKeyNames(projectId), [projectId]);
  const jobs = useResource(() => loadJobsPage(projectId, { status, apiKeyId }), [projectId, status, apiKeyId]);
  const statusId = useId();
  const keyId = useId();

  const more = useAction(async () => {
    if (jobs.status !== "ready" || !jobs.data.nextCursor) return;
    const shown = jobs.data.jobs.length;
    const next = await loadJobsPage(projectId, { status, apiKeyId }, jobs.data.nextCursor);
    jobs.update((d) => ({ jobs: [...d.jobs, ...next.jobs], nextCursor: next.nextCursor }));
    // Keyboard users continue from the first job that just appeared.
    setTimeout(() => document.querySelectorAll<HTMLElement>("[data-job-row] a")[shown]?.focus());
  });
  const filter = (change: { status?: string; key?: string }) => navigate(href("jobs", { projectId }, { status, key: apiKeyId, ...change }));
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
      <Loaded resource={jobs} what="jobs">
        {(data) =>
          data.jobs.length === 0 ? (
            status || apiKeyId ? (
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
              <JobsTable ctx={ctx} jobs={data.jobs} keyNames={keyNames} />
              {more.error && (
                <p class="field-error" role="alert">
                  {more.error}
                </p>
              )}
              {data.nextCursor && (
                <Button busy={more.pending} busyLabel="Loading…" onClick={() => void more.run()}>
                  Load more jobs
                </Button>
              )}
            </>
          )
        }
      </Loaded>
    </>
  );
}
