import { readFileSync } from "node:fs";
import { cpus, type as osType, release, totalmem } from "node:os";

/** The middle value (the upper middle for an even count): rounds are summarised by it, not by the mean. */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Resident memory of a process, from /proc (Linux). */
export const rssMiB = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024);

export async function machine(adminUrl: string, load: string) {
  const pg = await Bun.$`psql ${adminUrl} -Atc "show server_version"`
    .quiet()
    .text()
    .catch(() => "unknown");
  const loadavg = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    bun: Bun.version,
    postgres: pg.trim(),
    load,
    loadAverageAtEnd: loadavg,
  };
}

type Row = { case: string; keysInDb: number; rps: number; p50Ms: number; p99Ms: number; errors: number; rssMiB: number };
type Timing = { pairs: number; unknownMedianUs: number; lookalikeMedianUs: number; medianGapUs: number };

/** The results as Markdown tables, ready to paste into docs/performance.md. */
export function printReport(
  rows: Row[],
  ratios: Record<string, number>,
  timing: Timing,
  authCostUs: Record<string, number>,
  targets: Record<string, boolean>,
  about: object,
) {
  console.log("\n| case | keys in DB | req/s | p50 ms | p99 ms | errors | server RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.case} | ${r.keysInDb.toLocaleString("en")} | ${r.rps.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${r.rssMiB} |`,
    );
  }
  console.log("\n| ratio | value |\n|---|---:|");
  for (const [k, v] of Object.entries(ratios)) console.log(`| ${k} | ${v.toFixed(3)} |`);
  console.log(
    `\nTiming, ${timing.pairs} sequential pairs: unknown key median ${timing.unknownMedianUs.toFixed(1)} µs, ` +
      `near-miss key median ${timing.lookalikeMedianUs.toFixed(1)} µs, gap ${timing.medianGapUs.toFixed(1)} µs\n`,
  );
  console.log("| the check alone, in process | µs per call |\n|---|---:|");
  for (const [k, v] of Object.entries(authCostUs)) console.log(`| ${k} | ${v.toFixed(2)} |`);
  console.log("");
  for (const [k, ok] of Object.entries(targets)) console.log(`${ok ? "met   " : "MISSED"}  ${k}`);
  console.log(`\nmachine: ${JSON.stringify(about)}`);
}
