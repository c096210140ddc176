import { writeFileSync } from "node:fs";
import { type CpuTime, cpuMeter } from "./cpu";

export type LoadResult = { rps: number; p50Ms: number; p99Ms: number; requests: number; errors: number };
/** What a run cost: the CPU the server's processes and wrk itself used. */
export type CpuCost = { server: CpuTime; wrk: CpuTime };

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`cannot read wrk duration "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** Reads `wrk --latency` output: req/s, p50, p99, and every non-2xx or socket error. */
export function parseWrk(output: string): LoadResult {
  const pick = (re: RegExp) => re.exec(output)?.[1];
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50Ms: duration(pick(/^\s+50%\s+(\S+)/m) ?? "NaNms"),
    p99Ms: duration(pick(/^\s+99%\s+(\S+)/m) ?? "NaNms"),
    requests: Number(pick(/(\d+) requests in/)),
    errors:
      Number(pick(/Non-2xx or 3xx responses: (\d+)/) ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0),
  };
}

/** A wrk Lua script that sends each request with the next token of the list, round robin. */
export function rotatingTokensScript(file: string, tokens: string[], extraHeaders: Record<string, string> = {}): string {
  const list = tokens.map((t) => JSON.stringify(t)).join(",\n");
  const extra = Object.entries(extraHeaders)
    .map(([k, v]) => `[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join(", ");
  writeFileSync(
    file,
    `local tokens = {\n${list}\n}\nlocal i = math.random(#tokens)\n` +
      `request = function()\n  i = i % #tokens + 1\n` +
      `  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. tokens[i]${extra ? `, ${extra}` : ""} })\nend\n`,
  );
  return file;
}

export type LoadSpec = {
  url: string;
  headers?: Record<string, string>;
  script?: string;
  seconds: number;
  connections: number;
  /** The server's process: when given, the run also measures the CPU it and wrk used. */
  serverPid?: number;
};

/** Runs wrk in its own process (one thread: the server and PostgreSQL need the other core). */
export async function runWrk(spec: LoadSpec): Promise<LoadResult & { cpu?: CpuCost }> {
  const args = ["wrk", "-t1", `-c${spec.connections}`, `-d${spec.seconds}s`, "--latency"];
  for (const [k, v] of Object.entries(spec.headers ?? {})) args.push("-H", `${k}: ${v}`);
  if (spec.script) args.push("-s", spec.script);
  args.push(spec.url);
  const server = spec.serverPid === undefined ? undefined : cpuMeter(spec.serverPid);
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`wrk failed (${code}): ${err}`);
  const result = parseWrk(out);
  if (!server) return result;
  const { user, system } = proc.resourceUsage()!.cpuTime;
  return { ...result, cpu: { server: server.stop(), wrk: { userUs: Number(user), systemUs: Number(system) } } };
}
