import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { throwawayPostgres } from "./database";
import { TEST_JWT_SECRET } from "./harness";

export type StartedServer = { baseUrl: string; output: () => string; stop(): Promise<void> };

/**
 * Starts `bun src/index.ts` as a user would, on a free port, on the embedded database in a temp
 * directory (or a throwaway database when TEST_DATABASE_URL is set), and waits until it listens.
 */
export async function startServer(env: Record<string, string> = {}): Promise<StartedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "azs-server-"));
  const adminUrl = process.env.TEST_DATABASE_URL;
  const postgresDb = adminUrl ? await throwawayPostgres(adminUrl) : undefined;
  const child = Bun.spawn([process.execPath, "src/index.ts"], {
    cwd: join(import.meta.dir, "../.."),
    env: { ...process.env, PORT: "0", DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: postgresDb?.url ?? "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const port = await new Promise<number>((resolve, reject) => {
    // Generous: a new embedded database runs initdb, which takes a minute on a busy 2-core machine.
    const timer = setTimeout(() => {
      child.kill(); // nobody will call stop() on a server that never started
      reject(new Error(`server did not start: ${output}`));
    }, 90_000);
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return reject(new Error(`server exited: ${output}`));
        output += decoder.decode(value);
        const match = /"event":"listening","port":(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
          break;
        }
      }
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        output += decoder.decode(value);
      }
    })();
  });
  return {
    baseUrl: `http://localhost:${port}`,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
      await postgresDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
