import { api, call, type Schemas } from "../../api";
import { count } from "../../format";
import { useAction } from "../../hooks/use-action";
import { useResource } from "../../hooks/use-resource";
import { Button } from "../../ui/button";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { Time } from "../../ui/time";
import type { ViewProps } from "../shell/views";

type Entry = Schemas["LedgerEntry"];
const PAGE = 25;

const kindWords: Record<Entry["kind"], string> = {
  grant: "Credits added",
  reserve: "Reserved for a job",
  charge: "Job succeeded: reserved credit spent",
  release: "Given back: the job failed or was canceled",
};

const signed = (amount: number) => (amount > 0 ? `+${count(amount)}` : amount < 0 ? `−${count(-amount)}` : "0");

async function loadCredits(orgId: string, cursor?: string) {
  const page = await call(() =>
    api.GET("/private/organizations/{orgId}/credits", { params: { path: { orgId }, query: { limit: PAGE, cursor } } }),
  );
  return { balance: page.data.balance, entries: page.data.entries, nextCursor: page.nextCursor };
}

/** The organization's balance and its ledger, newest first, a page at a time. */
export function CreditsPage({ ctx }: ViewProps<"credits">) {
  const orgId = ctx.organization.id;
  const credits = useResource(() => loadCredits(orgId), [orgId]);
  const more = useAction(async () => {
    if (credits.status !== "ready" || !credits.data.nextCursor) return;
    const shown = credits.data.entries.length;
    const next = await loadCredits(orgId, credits.data.nextCursor);
    credits.update((d) => ({ ...d, entries: [...d.entries, ...next.entries], nextCursor: next.nextCursor }));
    setTimeout(() => document.querySelectorAll<HTMLElement>("[data-entry-row]")[shown]?.focus());
  });

  return (
    <>
      <PageHeading>Credits</PageHeading>
      <p class="lead">
        Every project of <strong>{ctx.organization.name}</strong> spends from one balance. Submitting a job reserves 1 credit; only a job
        that succeeds keeps it.
      </p>
      <Loaded resource={credits} what="credits">
        {(data) => (
          <>
            <p class="balance">
              <span class="balance-number">{count(data.balance)}</span> {data.balance === 1 ? "credit" : "credits"} available
            </p>
            <table class="table">
              <caption class="table-caption">Ledger</caption>
              <thead>
                <tr>
                  {["When", "What", "Change", "Job", "Note"].map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.entries.map((entry) => (
                  <tr key={entry.id} data-entry-row tabIndex={-1}>
                    <td data-label="When">
                      <Time iso={entry.createdAt} />
                    </td>
                    <td data-label="What">{kindWords[entry.kind]}</td>
                    <td data-label="Change" class="number">
                      {signed(entry.amount)}
                    </td>
                    <td data-label="Job">{entry.jobId ? <code>{entry.jobId}</code> : "—"}</td>
                    <td data-label="Note">{entry.note ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {more.error && (
              <p class="field-error" role="alert">
                {more.error}
              </p>
            )}
            {data.nextCursor && (
              <Button busy={more.pending} busyLabel="Loading…" onClick={() => void more.run()}>
                Show older entries
              </Button>
            )}
          </>
        )}
      </Loaded>
    </>
  );
}
