import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root (this file lives in dev/stack/). */
export const PROJECT_ROOT = resolve(import.meta.dirname, "..", "..");

/** Where a started stack keeps its state: pids, data directories, logs. Git-ignored; removed by `stack:down`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env["STACK_STATE_DIR"] ?? join(PROJECT_ROOT, ".stack"));
}

/** Downloads survive `stack:down` so that a second start takes seconds. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache");
  return resolve(env["STACK_CACHE_DIR"] ?? join(base, "nhs-anonymiser-stack"));
}

/** The git-ignored env file that `stack:up` writes and the app, demo and tests read. */
export function envFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env["STACK_ENV_FILE"] ?? join(PROJECT_ROOT, ".env.stack"));
}
