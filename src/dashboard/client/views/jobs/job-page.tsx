import { useEffect } from "preact/hooks";
import { api, call } from "../../api";
import { between, bytes, duration } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { href } from "../../routes";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { Time } from "../../ui/time";
import type { ViewProps } from "../shell/views";
import { JobOutcome } from "./job-outcome";
import { type Job, submittedVia } from "./job-words";
import { loadKeyNames } from "./load-jobs";
import { StatusBadge } from "./status-badge";

/** How often an unfinished job is looked at again while its page is open. */
const POLL_MS = 2000;

/** One job: what was asked (options), when it ran (timing), and what came of it (result or error). */
export function JobPage({ ctx, route }: ViewProps<"job">) {
  const { projectId, jobId } = route.params;
  const job = useResource(async () => {
    const [found, keys] = await Promise.all([
      call(() => api.GET("/projects/{projectId}/jobs/{jobId}", { params: { path: { projectId, jobId } } })),
      loadKeyNames(projectId).catch(() => []),
    ]);
    return { job: found.data, keyNames: new Map(keys.map((k) => [k.id, k.name])) };
  }, [projectId, jobId]);

  const unfinished = job.data && (job.data.job.status === "queued" || job.data.job.status === "running");
  useEffect(() => {
    if (!unfinished || job.refreshing) return;
    const timer = setTimeout(job.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [unfinished, job.refreshing, job.data]);

  const cancel = useAction(async () => {
    const canceled = await call(() => api.POST("/projects/{projectId}/jobs/{jobId}/cancel", { params: { path: { projectId, jobId } } }));
    job.update((d) => ({ ...d, job: canceled.data }));
    announce("Job canceled. Its reserved credit was given back.");
  });

  return (
    <>
      <p class="back">
        <a href={href("jobs", { projectId: ctx.project.id })}>All jobs</a>
      </p>
      <PageHeading>Job</PageHeading>
      <Loaded resource={job} what="the job">
        {({ job: j, keyNames }) => (
          <>
            <section aria-labelledby="job-summary" class="panel">
              <h2 id="job-summary">Summary</h2>
              <dl class="facts">
                <dt>URL</dt>
                <dd class="url">{j.url}</dd>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={j.status} />
                  {unfinished && <span class="muted"> (updates by itself)</span>}
                </dd>
                <dt>Submitted with</dt>
                <dd>{submittedVia(j, keyNames)}</dd>
                <dt>Credits charged</dt>
                <dd>{j.creditsCharged}</dd>
              </dl>
              {j.status === "queued" && (
                <div class="panel-actions">
                  <Button variant="danger-outline" busy={cancel.pending} busyLabel="Canceling…" onClick={() => void cancel.run()}>
                    Cancel job
                  </Button>
                  {cancel.error && (
                    <p class="field-error" role="alert">
                      {cancel.error}
                    </p>
                  )}
                </div>
              )}
            </section>
            <Timing job={j} />
            <Options job={j} />
            <JobOutcome job={j} />
          </>
        )}
      </Loaded>
    </>
  );
}

function Timing({ job }: { job: Job }) {
  return (
    <section aria-labelledby="job-timing" class="panel">
      <h2 id="job-timing">Timing</h2>
      <dl class="facts">
        <dt>Submitted</dt>
        <dd>
          <Time iso={job.createdAt} style="exact" />
        </dd>
        <dt>Started</dt>
        <dd>{job.startedAt ? <Time iso={job.startedAt} style="exact" /> : "Not yet"}</dd>
        <dt>Finished</dt>
        <dd>{job.finishedAt ? <Time iso={job.finishedAt} style="exact" /> : "Not yet"}</dd>
        <dt>Waited in the queue</dt>
        <dd>{between(job.createdAt, job.startedAt) ?? "—"}</dd>
        <dt>Ran for</dt>
        <dd>{between(job.startedAt, job.finishedAt) ?? "—"}</dd>
      </dl>
    </section>
  );
}

function Options({ job }: { job: Job }) {
  const headers = Object.entries(job.options.headers);
  return (
    <section aria-labelledby="job-options" class="panel">
      <h2 id="job-options">Options</h2>
      <dl class="facts">
        <dt>Time limit</dt>
        <dd>{duration(job.options.timeoutMs)}</dd>
        <dt>Size limit</dt>
        <dd>{bytes(job.options.maxBytes)}</dd>
        <dt>Extracts</dt>
        <dd>{job.options.extract.join(", ")}</dd>
        <dt>Request headers</dt>
        <dd>
          {headers.length === 0
            ? "None"
            : headers.map(([name, value]) => (
                <div key={name}>
                  <code>
                    {name}: {value}
                  </code>
                </div>
              ))}
        </dd>
      </dl>
    </section>
  );
}
