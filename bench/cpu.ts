import { readFileSync } from "node:fs";

/** CPU time of one process, in µs, split as the kernel counts it. */
export type CpuTime = { userUs: number; systemUs: number };

// /proc counts in clock ticks; Linux reports 100 per second (USER_HZ) on every architecture it exposes.
const US_PER_TICK = 10_000;

/** A process's CPU time so far (all its threads), from /proc/PID/stat; zero once it is gone. */
function cpuOf(pid: number): CpuTime {
  try {
    // The fields after the command name: it is in parentheses and may itself hold spaces and ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { userUs: Number(fields[11]) * US_PER_TICK, systemUs: Number(fields[12]) * US_PER_TICK };
  } catch {
    return { userUs: 0, systemUs: 0 };
  }
}

/** `pid` and its children: a WEB_CONCURRENCY=N server is a supervisor and N server processes. */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {}
  return [pid, ...children.flatMap(processTree)];
}

/** Starts counting the CPU a process tree uses; `stop()` answers what it used since. */
export function cpuMeter(pid: number): { stop(): CpuTime } {
  const pids = processTree(pid);
  const before = pids.map(cpuOf);
  return {
    stop() {
      const after = pids.map(cpuOf);
      return {
        userUs: after.reduce((n, c, i) => n + c.userUs - before[i]!.userUs, 0),
        systemUs: after.reduce((n, c, i) => n + c.systemUs - before[i]!.systemUs, 0),
      };
    },
  };
}

/** CPU time per request, in µs, user + system. */
export const perRequest = (cpu: CpuTime, requests: number) => (cpu.userUs + cpu.systemUs) / Math.max(requests, 1);
