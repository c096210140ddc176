import { api, call, type Schemas } from "../../api";
import { bucketStarts } from "./buckets";

export type Counts = Schemas["UsageCounts"];
export type ProjectUsage = Schemas["ProjectUsage"];
export type KeyTotals = ProjectUsage["keys"][number];
export type Bucket = Schemas["KeyUsage"]["buckets"][number];

export const RANGES = {
  "24h": { label: "Last 24 hours", ms: 86_400_000, granularity: "hour" },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000, granularity: "day" },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000, granularity: "day" },
} as const;
export type RangeName = keyof typeof RANGES;
export const isRange = (value: string | undefined): value is RangeName => value !== undefined && value in RANGES;

export type UsageData = {
  range: RangeName;
  project: ProjectUsage;
  /** Buckets over the whole range, oldest first: one key's, or the sum of every key's. */
  series: { start: string; counts: Counts }[];
  granularity: "hour" | "day";
};

const zero = (): Counts => ({
  requests: { total: 0, ok: 0, clientError: 0, rateLimited: 0, paymentRequired: 0 },
  jobs: { submitted: 0, succeeded: 0, failed: 0 },
  credits: { reserved: 0, charged: 0 },
});

function add(into: Counts, b: Omit<Bucket, "start">): void {
  for (const group of ["requests", "jobs", "credits"] as const) {
    const target = into[group] as Record<string, number>;
    for (const [name, value] of Object.entries(b[group])) target[name] = (target[name] ?? 0) + value;
  }
}

/** A key that did anything in the range. */
export const active = (k: KeyTotals) => k.totals.requests.total + k.totals.jobs.submitted + k.totals.credits.reserved > 0;

/**
 * The project's totals per key for the range, and the time series for one key or for the whole
 * project (the project answer carries its own series). One `to` is used for every request, so the
 * totals and the series cover the same range.
 */
export async function loadUsage(projectId: string, range: RangeName, keyId?: string): Promise<UsageData> {
  const { ms, granularity } = RANGES[range];
  const to = new Date();
  const from = new Date(to.getTime() - ms);
  const query = { from: from.toISOString(), to: to.toISOString(), granularity };
  const [project, key] = await Promise.all([
    call(() => api.GET("/private/projects/{projectId}/usage", { params: { path: { projectId }, query } })),
    keyId
      ? call(() => api.GET("/private/projects/{projectId}/api-keys/{id}/usage", { params: { path: { projectId, id: keyId }, query } }))
      : undefined,
  ]);
  const starts = bucketStarts(project.data.from, project.data.to, granularity);
  const byStart = new Map(starts.map((start) => [start, zero()]));
  for (const { start, ...counts } of (key ?? project).data.buckets) {
    const slot = byStart.get(new Date(start).toISOString());
    if (slot) add(slot, counts);
  }
  return { range, project: project.data, granularity, series: starts.map((start) => ({ start, counts: byStart.get(start)! })) };
}
