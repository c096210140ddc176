import { api, call, type Schemas } from "../../api";
import { count } from "../../format";
import { usePaged } from "../../hooks/use-paged";
import { Loaded } from "../../ui/loaded";
import { MoreButton } from "../../ui/more-button";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import { Time } from "../../ui/time";
import type { ViewProps } from "../shell/views";
import { LowBalanceForm } from "./low-balance-form";

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
  return {
    items: page.data.entries,
    nextCursor: page.nextCursor,
    extra: { balance: page.data.balance, lowThreshold: page.data.lowThreshold },
  };
}

/** The organization's balance and its ledger, newest first, a page at a time; owners set the low-balance alert. */
export function CreditsPage({ ctx }: ViewProps<"credits">) {
  const orgId = ctx.organization.id;
  const paged = usePaged((cursor?: string) => loadCredits(orgId, cursor), [orgId], "[data-entry-row]");
  const credits = paged.resource;

  return (
    <>
      <PageHeading>Credits</PageHeading>
      <p class="lead">
        Every project of <strong>{ctx.organization.name}</strong> spends from one balance. Submitting a job reserves 1 credit; only a job
        that succeeds keeps it.
      </p>
      <Loaded resource={credits} what="credits">
        {({ items, extra }) => (
          <>
            <p class="balance">
              <span class="balance-number">{count(extra.balance)}</span> {extra.balance === 1 ? "credit" : "credits"} available
            </p>
            {ctx.organization.role === "owner" && (
              <LowBalanceForm
                orgId={orgId}
                threshold={extra.lowThreshold}
                onSaved={(lowThreshold) => credits.update((d) => ({ ...d, extra: { ...d.extra, lowThreshold } }))}
              />
            )}
            <table class="table">
              <caption class="table-caption">Ledger</caption>
              <TableHead columns={["When", "What", "Change", "Job", "Note"]} />
              <tbody>
                {items.map((entry) => (
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
            <MoreButton paged={paged} label="Show older entries" />
          </>
        )}
      </Loaded>
    </>
  );
}
