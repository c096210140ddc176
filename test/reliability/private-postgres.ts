import { chmodSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A private PostgreSQL instance that a test may stop and start at will, without touching the
 * machine's shared server. Needs root (initdb refuses it, so it runs as the postgres user).
 */
const BIN = "/usr/lib/postgresql/15/bin";
export const canRunPrivatePostgres = process.getuid?.() === 0 && (await Bun.file(`${BIN}/initdb`).exists());

export type PrivatePostgres = { url: string; stop(): Promise<void>; start(): Promise<void>; destroy(): Promise<void> };

async function run(...args: string[]) {
  const proc = Bun.spawn(["runuser", "-u", "postgres", "--", ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${args.join(" ")} failed (${code}): ${out}${err}`);
}

export async function privatePostgres(port: number): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "azs-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  await run(`${BIN}/initdb`, "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`;
  const start = () => run(`${BIN}/pg_ctl`, "-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "30", "start");
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // "immediate" is the unclean stop: backends die at once, as in a crash or a pulled cable.
    stop: () => run(`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "stop"),
    start,
    async destroy() {
      await run(`${BIN}/pg_ctl`, "-D", data, "-m", "immediate", "-w", "stop").catch(() => {});
      await Bun.$`rm -rf ${dir}`.quiet();
    },
  };
}
