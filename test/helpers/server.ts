import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { testServerUrl, throwawayPostgres } from "./database";
import { TEST_JWT_SECRET } from "./harness";

export type StartedServer = {
  /** `http://localhost:PORT`, the port the OS picked. */
  baseUrl: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** Its DATA_DIR (the embedded database lives here when DATABASE_URL is empty). */
  dataDir: string;
  /** Every line the process printed so far (stdout and stderr). */
  output: string[];
  exited: Promise<number>;
  /** SIGTERM, wait for the exit, then remove what `startServer` made (data directory, throwaway database). */
  stop(): Promise<void>;
};

const root = join(import.meta.dir, "../..");

/**
 * The one way tests (and the benchmark) start the real server as a process, as a user would:
 * `bun src/index.ts` (or another `entry`) on port 0, resolved once it logs the port it listens on.
 * Without DATABASE_URL in `env` it runs on a throwaway database on the tests' server (see
 * `testServerUrl`); `DATABASE_URL: ""` makes it start its own embedded PostgreSQL, as `npm start` does.
 * `keepOutput: false` keeps only the lines printed before it listened.
 */
export async function startServer(
  env: Record<string, string> = {},
  { entry = "src/index.ts", keepOutput = true } = {},
): Promise<StartedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "azs-server-"));
  const throwaway = "DATABASE_URL" in env ? undefined : await throwawayPostgres(await testServerUrl());
  const proc = Bun.spawn([process.execPath, entry], {
    cwd: root,
    env: { ...process.env, PORT: "0", DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: throwaway?.url ?? "", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const output: string[] = [];
  let listening!: (port: number) => void;
  let listened = false;
  const ready = new Promise<number>((resolve) => (listening = resolve));
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      // A benchmark's millions of log lines would fill the memory, and reading them would take
      // CPU from the server it measures: past the port, it drains them unread.
      if (listened && !keepOutput) continue;
      const lines = (rest + decoder.decode(bytes, { stream: true })).split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        if (keepOutput || !listened) output.push(line);
        const port = /"event":"listening","port":(\d+)/.exec(line)?.[1];
        if (port) {
          listened = true;
          listening(Number(port));
        }
      }
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const exited = proc.exited;
  const failed = exited.then((code) => Promise.reject(new Error(`server exited with ${code}: ${output.join("\n")}`)));
  failed.catch(() => {});
  const cleanUp = async () => {
    await throwaway?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await Promise.race([
      ready,
      failed,
      Bun.sleep(90_000).then(() => Promise.reject(new Error(`server did not start in 90 s: ${output.join("\n")}`))),
    ]);
  } catch (error) {
    proc.kill("SIGKILL");
    await exited;
    await cleanUp();
    throw error;
  }
  return {
    baseUrl: `http://localhost:${port}`,
    proc,
    dataDir,
    output,
    exited,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      await cleanUp();
    },
  };
}
