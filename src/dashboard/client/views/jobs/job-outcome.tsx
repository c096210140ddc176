import { bytes, count, duration } from "../../format";
import { failureReasons, type Job } from "./job-words";

type Result = NonNullable<Job["result"]>;

/** How much of a page's text and links the dashboard shows; the API response has all of it. */
const TEXT_PREVIEW = 1200;
const LINKS_SHOWN = 25;

/** What came of the job: the result, the reason it failed, or that it has not finished. */
export function JobOutcome({ job }: { job: Job }) {
  return (
    <section aria-labelledby="job-outcome" class="panel">
      <h2 id="job-outcome">{job.status === "failed" ? "Why it failed" : "Result"}</h2>
      {job.status === "succeeded" && job.result ? (
        <JobResult result={job.result} />
      ) : job.status === "failed" && job.error ? (
        <>
          <p class="failure">{failureReasons[job.error.code]}</p>
          <dl class="facts">
            <dt>Details</dt>
            <dd>{job.error.message}</dd>
            <dt>Error code</dt>
            <dd>
              <code>{job.error.code}</code>
              {job.error.statusCode !== undefined && ` (the site answered ${job.error.statusCode})`}
            </dd>
          </dl>
          <p class="muted">A failed job costs nothing: its reserved credit was given back.</p>
        </>
      ) : job.status === "canceled" ? (
        <p>This job was canceled before it ran. Its reserved credit was given back.</p>
      ) : (
        <p>The job has not finished yet.</p>
      )}
    </section>
  );
}

function JobResult({ result }: { result: Result }) {
  const meta = Object.entries(result.meta ?? {});
  return (
    <>
      <dl class="facts">
        <dt>Title</dt>
        <dd>{result.title ?? <span class="muted">None</span>}</dd>
        <dt>The site answered</dt>
        <dd>
          HTTP {result.statusCode}
          {result.contentType && `, ${result.contentType}`}
        </dd>
        <dt>Final URL</dt>
        <dd class="url">{result.finalUrl}</dd>
        <dt>Size</dt>
        <dd>{bytes(result.bytes)}</dd>
        <dt>Fetch time</dt>
        <dd>{duration(result.durationMs)}</dd>
      </dl>
      {result.text != null && <TextPreview text={result.text} />}
      {result.links && <Links links={result.links} />}
      {meta.length > 0 && (
        <>
          <h3>Meta tags</h3>
          <dl class="facts">{meta.map(([name, content]) => [<dt key={`${name}-n`}>{name}</dt>, <dd key={`${name}-c`}>{content}</dd>])}</dl>
        </>
      )}
      {result.html != null && <p class="muted">The HTML ({count(result.html.length)} characters) is in the API's answer for this job.</p>}
    </>
  );
}

function TextPreview({ text }: { text: string }) {
  const cut = text.length > TEXT_PREVIEW;
  return (
    <>
      <h3>Text</h3>
      {text === "" ? (
        <p class="muted">The page has no visible text.</p>
      ) : (
        <>
          <p class="text-preview">{cut ? `${text.slice(0, TEXT_PREVIEW)}…` : text}</p>
          {cut && (
            <p class="muted">
              The first {count(TEXT_PREVIEW)} of {count(text.length)} characters.
            </p>
          )}
        </>
      )}
    </>
  );
}

/** Scraped links are the site's, not ours: only http(s) ones become links, and none send a referrer. */
function Links({ links }: { links: string[] }) {
  const shown = links.slice(0, LINKS_SHOWN);
  return (
    <>
      <h3>Links ({count(links.length)})</h3>
      {links.length === 0 ? (
        <p class="muted">The page has no links.</p>
      ) : (
        <ul class="links">
          {shown.map((link, i) => (
            <li key={`${i}-${link}`}>
              {/^https?:\/\//i.test(link) ? (
                <a href={link} rel="noopener noreferrer nofollow">
                  {link}
                </a>
              ) : (
                link
              )}
            </li>
          ))}
        </ul>
      )}
      {links.length > LINKS_SHOWN && <p class="muted">And {count(links.length - LINKS_SHOWN)} more in the API's answer.</p>}
    </>
  );
}
