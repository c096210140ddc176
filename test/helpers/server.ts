import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_JWT_SECRET } from "./harness";

export type RunningServer = { baseUrl: string; stop(): Promise<void> };

/**
 * Starts `bun src/index.ts` as a real process on a free port (PORT=0), against the embedded
 * database in a fresh temporary DATA_DIR, and resolves once it logs that it is listening.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "azs-server-"));
  const proc = Bun.spawn([process.execPath, "src/index.ts"], {
    cwd: join(import.meta.dir, "../.."),
    env: { ...process.env, PORT: "0", DATA_DIR: dataDir, DATABASE_URL: "", JWT_SECRET: TEST_JWT_SECRET, LOG_REQUESTS: "false", ...env },
    stdout: "pipe",
    stderr: "inherit",
  });
  const port = await listeningPort(proc.stdout);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads the log until the "listening" line, then keeps draining it so the pipe never fills. */
async function listeningPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let seen = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The server exited before listening. Output:\n${seen}`);
    seen += decoder.decode(value, { stream: true });
    const line = seen.split("\n").slice(0, -1).find((l) => l.includes('"event":"listening"'));
    const port = line ? (JSON.parse(line) as { port?: number }).port : undefined;
    if (port) {
      void (async () => {
        while (!(await reader.read()).done);
      })().catch(() => {});
      return port;
    }
  }
}
