import { writeFileSync } from "node:fs";
import type postgres from "postgres";
import { extract } from "../src/worker/extract";

/** A wrk script that POSTs `body` as JSON with the bearer `token`. */
export function postScript(file: string, token: string, body: unknown): string {
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(JSON.stringify(body))}\n` +
      `wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${token}"\n`,
  );
  return file;
}

/** One loop of fetch + extraction of `url`, as fast as it goes for `seconds`: the machine's reference for a worker. */
export async function fetchExtractLoop(url: string, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let pages = 0;
  while (performance.now() < deadline) {
    const res = await fetch(url);
    const body = Buffer.from(await res.arrayBuffer());
    extract(body, res.headers.get("content-type"), url, ["title", "text", "links"], { onlyMainContent: true, selectors: {} });
    pages++;
  }
  return pages / ((performance.now() - started) / 1000);
}

/** Gives the bench organization credits enough for every job a run submits, with the ledger entry. */
export async function grantCredits(sql: postgres.Sql, projectId: string, amount: number): Promise<void> {
  const [{ orgId }] = (await sql`select organization_id as "orgId" from projects where id = ${projectId}`) as unknown as [
    { orgId: string },
  ];
  await sql`update organizations set credit_balance = credit_balance + ${amount} where id = ${orgId}`;
  await sql`insert into credit_ledger (id, organization_id, kind, amount, note, created_at)
    values (${`bench${Date.now().toString(16).padStart(19, "0")}`.slice(0, 24)}, ${orgId}, 'grant', ${amount}, 'bench', now())`;
}

/**
 * Waits until `count` jobs of the database have finished; returns how many failed. It polls the
 * jobs still queued or running, which the queue's partial indexes count without reading the rest:
 * counting every job 50 times a second would take PostgreSQL's CPU from the run it measures.
 */
export async function finished(sql: postgres.Sql, count: number, timeoutMs = 300_000): Promise<{ failed: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ left }] = (await sql`select (select count(*) from jobs where status = 'queued')::int
      + (select count(*) from jobs where status = 'running')::int as left`) as unknown as [{ left: number }];
    if (left === 0) {
      const [row] = (await sql`select count(*) filter (where status in ('succeeded', 'failed'))::int as done,
        count(*) filter (where status = 'failed')::int as failed from jobs`) as unknown as [{ done: number; failed: number }];
      if (row.done >= count) return { failed: row.failed };
    }
    if (Date.now() > deadline) throw new Error(`${left} of ${count} jobs still unfinished after ${timeoutMs} ms`);
    await Bun.sleep(20);
  }
}
