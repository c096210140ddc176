import { JobFailure } from "../modules/jobs/failure";
import type { Lookup, TargetPolicy } from "../modules/jobs/ssrf";
import type { JobOptions } from "../modules/jobs/view";
import type { ExtractPool } from "./extract-pool";
import { fetchTarget } from "./fetcher";
import type { Outcome } from "./settle";

/** Thrown (as an abort reason) when the worker gives a job up unfinished: shutdown or a lost lease. */
export class Interrupted extends Error {}

/**
 * Fetches and extracts one job. A target that answers below 500 is a success (404 included: the
 * page was fetched and `statusCode` says what the site answered); a 5xx answer and every fetch
 * problem are failures. Bugs on our side become `internal_error` failures, never a lost job.
 * The page is extracted on the pool's threads, off the event loop.
 */
export async function execute(
  url: string,
  options: JobOptions,
  policy: TargetPolicy,
  signal: AbortSignal,
  pool: ExtractPool,
  lookup?: Lookup,
): Promise<Outcome> {
  try {
    const fetched = await fetchTarget({ url, ...options, headers: options.headers ?? {}, policy, lookup, signal });
    if (fetched.statusCode >= 500) {
      throw new JobFailure("target_error", `The target answered with status ${fetched.statusCode}.`, fetched.statusCode);
    }
    const { body, ...meta } = fetched;
    const bytes = body.length; // read before the extraction thread takes the body
    const fields = await pool.run(body, fetched.contentType, fetched.finalUrl, options.extract, options);
    // The result's JSON text: what the fetch says, then the extracted fields, never parsed here.
    const head = JSON.stringify({ ...meta, bytes });
    return { resultJson: fields === "{}" ? head : `${head.slice(0, -1)},${fields.slice(1)}` };
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    if (error instanceof JobFailure) return { error: error.toJSON() };
    return { error: { code: "internal_error", message: "The job failed on our side; its credit was released. Submit it again." } };
  }
}
