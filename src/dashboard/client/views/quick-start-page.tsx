import { href } from "../routes";
import { PageHeading } from "../ui/page-heading";
import type { ViewProps } from "./shell/views";

/**
 * The README's quick start, filled in for this deployment and project: a key, a job submitted
 * with curl, polled until done. The full reference is the OpenAPI contract at /swagger.
 */
export function QuickStartPage({ ctx }: ViewProps<"start">) {
  const base = location.origin;
  const projectId = ctx.project.id;
  const submit = `curl -sS -X POST "${base}/projects/${projectId}/jobs" \\
  -H "Authorization: Bearer $AZSCRAPER_API_KEY" -H "Content-Type: application/json" \\
  -d '{"url":"https://example.com/","options":{"extract":["title","links"]}}'`;
  const poll = `curl -sS "${base}/projects/${projectId}/jobs/$JOB_ID" \\
  -H "Authorization: Bearer $AZSCRAPER_API_KEY"`;
  return (
    <>
      <PageHeading>Quick start</PageHeading>
      <p class="lead">
        From a new key to a scraped page in three commands, for <strong>{ctx.project.name}</strong>. Every route, field and error is in the{" "}
        <a href="/swagger">API reference</a> (the <a href="/openapi.yaml">OpenAPI contract</a> it is built from).
      </p>
      <ol class="steps">
        <li>
          <h2>Create a key</h2>
          <p>
            In <a href={href("keys", { projectId })}>API keys</a>, create a key and copy it. Keep it in an environment variable:
          </p>
          <pre class="curl">
            <code>export AZSCRAPER_API_KEY=azs_…</code>
          </pre>
        </li>
        <li>
          <h2>Submit a job</h2>
          <p>The answer is the queued job (202); 1 credit is reserved and kept only if the job succeeds. Note its id.</p>
          <pre class="curl">
            <code>{submit}</code>
          </pre>
        </li>
        <li>
          <h2>Poll it until it is done</h2>
          <p>
            Ask again until <code>status</code> is <code>succeeded</code>, <code>failed</code> or <code>canceled</code>; the result has the
            title and links. The job also shows in <a href={href("jobs", { projectId })}>Jobs</a>.
          </p>
          <pre class="curl">
            <code>{poll}</code>
          </pre>
        </li>
      </ol>
      <p>
        Balance and spending are under <a href={href("credits", { projectId })}>Credits</a>. The README's walkthrough does the same from the
        command line, sign-up included.
      </p>
    </>
  );
}
