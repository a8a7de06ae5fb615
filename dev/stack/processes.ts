import { type SpawnOptions, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { StackError } from "./errors.ts";

export interface StartedProcess {
  pid: number;
  /** A string that must appear in /proc/<pid>/cmdline, so that a recycled pid is never signalled. */
  marker: string;
  logFile: string;
}

/** Starts a long-lived server detached from this process (its own process group), output to a log file. */
export function startDetached(
  command: string,
  args: string[],
  options: {
    logFile: string;
    marker: string;
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    uid?: number;
    gid?: number;
  },
): StartedProcess {
  const out = openSync(options.logFile, "a");
  const spawnOptions: SpawnOptions = {
    detached: true,
    stdio: ["ignore", out, out],
    env: options.env ?? process.env,
    cwd: options.cwd,
  };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  const child = spawn(command, args, spawnOptions);
  if (child.pid === undefined) {
    throw new StackError("STACK_START_FAILED", `could not spawn ${command}; see ${options.logFile}`);
  }
  child.unref();
  return { pid: child.pid, marker: options.marker, logFile: options.logFile };
}

/** True while a process with this pid exists (whatever it runs: right after spawn it has not exec'd yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` is alive and is still the process we started (its command line carries the marker). */
export function isOurs(proc: { pid: number; marker: string }): boolean {
  try {
    const cmdline = readFileSync(`/proc/${proc.pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return cmdline.includes(proc.marker);
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group, so helper children (e.g. postgres backends) stop too.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM (or the given signal), wait up to `graceMs`, then SIGKILL. Only ever signals a process that is still ours. */
export async function stopProcess(
  proc: { pid: number; marker: string },
  options: { graceMs?: number; signal?: NodeJS.Signals } = {},
): Promise<void> {
  if (!isOurs(proc)) return;
  const graceMs = options.graceMs ?? 15_000;
  signal(proc.pid, options.signal ?? "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurs(proc)) return;
    await sleep(100);
  }
  signal(proc.pid, "SIGKILL");
  while (isOurs(proc)) await sleep(50);
}

/** The longest a one-off command of the stack (initdb, pg_ctl, a Maven download, tar) may run. */
export const RUN_DEADLINE_MS = 10 * 60_000;

/**
 * Runs a command to completion; rejects with the tail of its output when it fails, and kills it (STACK_START_FAILED)
 * when it runs past `timeoutMs`.
 */
export function run(
  command: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    uid?: number;
    gid?: number;
    what: string;
    timeoutMs?: number;
  },
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const spawnOptions: SpawnOptions = {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: "pipe",
      timeout: options.timeoutMs ?? RUN_DEADLINE_MS,
      killSignal: "SIGKILL",
    };
    if (options.uid !== undefined) spawnOptions.uid = options.uid;
    if (options.gid !== undefined) spawnOptions.gid = options.gid;
    const child = spawn(command, args, spawnOptions);
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", (error) =>
      reject(new StackError("STACK_START_FAILED", `${options.what}: ${error.message}`)),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolvePromise(output);
      else if (signal === "SIGKILL")
        reject(
          new StackError(
            "STACK_START_FAILED",
            `${options.what} did not finish within ${(options.timeoutMs ?? RUN_DEADLINE_MS) / 1000} s and was killed`,
          ),
        );
      else
        reject(
          new StackError(
            "STACK_START_FAILED",
            `${options.what} exited with ${code}:\n${output.split("\n").slice(-25).join("\n")}`,
          ),
        );
    });
  });
}

/** Polls `probe` until it resolves true or the deadline passes; the last error is kept for the message. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; logFile?: string; alive?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (options.alive && !options.alive()) {
      throw new StackError(
        "STACK_START_FAILED",
        `${what} exited during start-up${options.logFile ? `; last lines of ${options.logFile}:\n${tail(options.logFile)}` : ""}`,
      );
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new StackError(
    "STACK_NOT_READY",
    `${what} not ready after ${options.timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ""}${
      options.logFile ? `; see ${options.logFile}` : ""
    }`,
  );
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
