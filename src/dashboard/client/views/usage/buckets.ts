const STEP = { hour: 3_600_000, day: 86_400_000 } as const;

/** Every bucket's start in the range, oldest first, so hours or days without activity show as 0. */
export function bucketStarts(from: string, to: string, granularity: "hour" | "day"): string[] {
  const step = STEP[granularity];
  const starts: string[] = [];
  for (let t = Math.floor(new Date(from).getTime() / step) * step; t < new Date(to).getTime(); t += step) {
    starts.push(new Date(t).toISOString());
  }
  return starts;
}
