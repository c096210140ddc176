import { count, keyDisplay } from "../../format";
import { useResource } from "../../hooks/use-resource";
import { navigate } from "../../router";
import { href } from "../../routes";
import { SelectField } from "../../ui/choice";
import { Loaded } from "../../ui/loaded";
import { PageHeading } from "../../ui/page-heading";
import { TableHead } from "../../ui/table-head";
import type { ViewProps } from "../shell/views";
import { BarChart } from "./bar-chart";
import { active, type Counts, isRange, type KeyTotals, loadUsage, RANGES, type RangeName, type UsageData } from "./load-usage";

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
// Day buckets start at midnight UTC: labelled in the viewer's zone they would read a day early west of it.
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** The charts' three views of a series: requests by outcome, jobs, credits. */
function charts(series: UsageData["series"]) {
  const pick = (f: (c: Counts) => number) => series.map((b) => f(b.counts));
  return [
    {
      title: "Requests by outcome",
      series: [
        { name: "OK (2xx)", tone: "tone-ok", values: pick((c) => c.requests.ok) },
        { name: "Refused (4xx)", tone: "tone-refused", values: pick((c) => c.requests.clientError) },
        { name: "Rate limited (429)", tone: "tone-limited", values: pick((c) => c.requests.rateLimited) },
        { name: "Out of credits (402)", tone: "tone-payment", values: pick((c) => c.requests.paymentRequired) },
        {
          name: "Server errors (5xx)",
          tone: "tone-error",
          values: pick(
            (c) => c.requests.total - c.requests.ok - c.requests.clientError - c.requests.rateLimited - c.requests.paymentRequired,
          ),
        },
      ],
    },
    {
      title: "Jobs",
      series: [
        { name: "Succeeded", tone: "tone-ok", values: pick((c) => c.jobs.succeeded) },
        { name: "Failed", tone: "tone-error", values: pick((c) => c.jobs.failed) },
        {
          name: "Not finished or canceled",
          tone: "tone-refused",
          values: pick((c) => c.jobs.submitted - c.jobs.succeeded - c.jobs.failed),
        },
      ],
    },
    {
      title: "Credits",
      series: [
        { name: "Charged", tone: "tone-ok", values: pick((c) => c.credits.charged) },
        { name: "Reserved, not charged", tone: "tone-refused", values: pick((c) => c.credits.reserved - c.credits.charged) },
      ],
    },
  ];
}

const percent = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((part / whole) * 100)}%`);

/**
 * Usage of the project or of one key over the last 24 hours, 7 or 30 days: charts of requests by
 * outcome, jobs and credits, the totals in words, and a table per key that says which key spends
 * the credits. Range and key are in the address.
 */
export function UsagePage({ ctx, route }: ViewProps<"usage">) {
  const projectId = ctx.project.id;
  const range: RangeName = isRange(route.query.range) ? route.query.range : "7d";
  const keyId = route.query.key || undefined;
  const usage = useResource(() => loadUsage(projectId, range, keyId), [projectId, range, keyId], { keepOnChange: true });
  const go = (change: { range?: string; key?: string }) => navigate(href("usage", { projectId }, { range, key: keyId, ...change }));
  const keys = usage.data?.project.keys ?? [];

  return (
    <>
      <PageHeading>Usage</PageHeading>
      <p class="lead">
        Requests, jobs and credits of <strong>{ctx.project.name}</strong>, counted per key. Counts arrive within a second or two.
      </p>
      <div class="filters">
        <SelectField
          label="Period"
          keepsFocus
          value={range}
          options={Object.entries(RANGES).map(([value, r]) => ({ value, label: r.label }))}
          onChange={(value) => go({ range: value })}
        />
        <SelectField
          label="Key"
          keepsFocus
          value={keyId ?? ""}
          options={[
            { value: "", label: "Whole project" },
            ...keys.map((k) => ({
              value: k.keyId,
              label: `${k.name} (${keyDisplay("azs_", k.keyHint)})${k.revokedAt ? ", revoked" : ""}`,
            })),
          ]}
          onChange={(value) => go({ key: value })}
        />
      </div>
      <Loaded resource={usage} what="usage">
        {(data) => {
          const totals = keyId ? data.project.keys.find((k) => k.keyId === keyId)?.totals : data.project.totals;
          const format = data.granularity === "hour" ? hourLabel : dayLabel;
          const labels = data.series.map((b) => format.format(new Date(b.start)));
          return (
            <>
              {totals && <TotalsInWords totals={totals} />}
              <div class="charts">
                {charts(data.series).map((chart) => (
                  <BarChart key={chart.title} title={chart.title} labels={labels} series={chart.series} />
                ))}
              </div>
              <KeysTable
                keys={data.project.keys}
                projectTotals={data.project.totals}
                keyHref={(id) => href("usage", { projectId }, { range, key: id })}
              />
            </>
          );
        }}
      </Loaded>
    </>
  );
}

/** The range's totals as sentences: what a screen reader hears instead of the charts. */
function TotalsInWords({ totals }: { totals: Counts }) {
  const r = totals.requests;
  return (
    <section class="usage-totals" aria-labelledby="usage-totals-title">
      <h2 id="usage-totals-title">Totals</h2>
      <dl class="facts" data-usage-totals>
        <dt>Requests</dt>
        <dd data-total="requests">
          {count(r.total)}: {count(r.ok)} OK, {count(r.clientError)} refused, {count(r.rateLimited)} rate limited,{" "}
          {count(r.paymentRequired)} out of credits
        </dd>
        <dt>Jobs</dt>
        <dd data-total="jobs">
          {count(totals.jobs.submitted)} submitted: {count(totals.jobs.succeeded)} succeeded, {count(totals.jobs.failed)} failed
        </dd>
        <dt>Credits</dt>
        <dd data-total="credits">
          {count(totals.credits.charged)} charged of {count(totals.credits.reserved)} reserved
        </dd>
      </dl>
    </section>
  );
}

/** The per-key table's count columns: each heading with the number under it. */
const COUNT_COLUMNS: [string, (t: Counts) => number][] = [
  ["Requests", (t) => t.requests.total],
  ["Rate limited", (t) => t.requests.rateLimited],
  ["Jobs", (t) => t.jobs.submitted],
  ["Succeeded", (t) => t.jobs.succeeded],
  ["Failed", (t) => t.jobs.failed],
  ["Credits charged", (t) => t.credits.charged],
];

/** Every key with activity in the range, biggest spender first, with its share of the credits charged; a name opens that key's charts. */
function KeysTable({ keys, projectTotals, keyHref }: { keys: KeyTotals[]; projectTotals: Counts; keyHref: (id: string) => string }) {
  const used = keys
    .filter(active)
    .sort((a, b) => b.totals.credits.charged - a.totals.credits.charged || b.totals.credits.reserved - a.totals.credits.reserved);
  const top = used[0];
  return (
    <section aria-labelledby="usage-keys-title">
      <h2 id="usage-keys-title">Per key</h2>
      {used.length === 0 ? (
        <p class="empty">No key made a request in this period.</p>
      ) : (
        <>
          {top && top.totals.credits.charged > 0 && (
            <p data-top-spender>
              <strong>{top.name}</strong> spent the most credits: {count(top.totals.credits.charged)} of{" "}
              {count(projectTotals.credits.charged)} ({percent(top.totals.credits.charged, projectTotals.credits.charged)}).
            </p>
          )}
          <table class="table">
            <caption class="visually-hidden">Usage per key, biggest spender first</caption>
            <TableHead columns={["Key", ...COUNT_COLUMNS.map(([label]) => label), "Share"]} />
            <tbody>
              {used.map((k) => (
                <tr key={k.keyId} data-usage-key={k.keyId}>
                  <td data-label="Key">
                    <a href={keyHref(k.keyId)}>{k.name}</a> <code>{keyDisplay("azs_", k.keyHint)}</code>
                    {k.revokedAt ? " (revoked)" : ""}
                  </td>
                  {COUNT_COLUMNS.map(([label, value]) => (
                    <td key={label} data-label={label} class="number">
                      {count(value(k.totals))}
                    </td>
                  ))}
                  <td data-label="Share" class="number">
                    {percent(k.totals.credits.charged, projectTotals.credits.charged)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
