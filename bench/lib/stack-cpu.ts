import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * CPU time used so far by the local stack's servers, read from /proc (Linux): the broker, the registry and
 * PostgreSQL (the postmaster and its backends, which do the work). Sampled before and after a run, the difference
 * is what the run cost the servers. Undefined where /proc or the state file is missing.
 */
const TICKS_PER_SECOND = 100;

/** The parent and the CPU time so far of a process or thread, from its `stat` file under /proc. */
function statAt(path: string): { ppid: number; cpuMs: number } | undefined {
  try {
    const text = readFileSync(path, "utf8");
    // The command name is in parentheses and may hold spaces: fields are counted after the closing one.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { ppid, cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

export interface StackCpu {
  kafkaMs: number;
  registryMs: number;
  postgresMs: number;
}

export function stackCpu(stateDir: string): StackCpu | undefined {
  let state: { processes?: Record<string, { pid: number }> };
  try {
    state = JSON.parse(readFileSync(join(stateDir, "state.json"), "utf8"));
  } catch {
    return undefined;
  }
  const pids = state.processes ?? {};
  const cpu = (pid: number | undefined) =>
    pid === undefined ? 0 : (statAt(`/proc/${pid}/stat`)?.cpuMs ?? 0);
  const postmaster = pids["postgres"]?.pid;
  let postgresMs = cpu(postmaster);
  if (postmaster !== undefined) {
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid)) continue;
      const stat = statAt(`/proc/${pid}/stat`);
      if (stat?.ppid === postmaster) postgresMs += stat.cpuMs;
    }
  }
  return { kafkaMs: cpu(pids["kafka"]?.pid), registryMs: cpu(pids["registry"]?.pid), postgresMs };
}

export function cpuDelta(before: StackCpu | undefined, after: StackCpu | undefined): StackCpu | undefined {
  if (!before || !after) return undefined;
  return {
    kafkaMs: after.kafkaMs - before.kafkaMs,
    registryMs: after.registryMs - before.registryMs,
    postgresMs: after.postgresMs - before.postgresMs,
  };
}

/**
 * Busy and total CPU time of the whole machine so far, in clock ticks (/proc/stat: user, nice, system, idle, iowait,
 * irq, softirq, steal; the guest fields are inside user already); undefined off Linux.
 */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const cpu = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]!
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Which part of a Node process a thread belongs to, from its name (/proc/<pid>/task/<tid>/comm). */
function threadGroup(comm: string): string {
  if (comm === "MainThread") return "main";
  if (comm === "WorkerThread") return "workers";
  // V8's platform threads: concurrent and parallel garbage collection, background compilation.
  if (comm === "V8Worker" || comm === "DelayedTaskSche") return "v8";
  return "other";
}

/**
 * CPU time used so far by each part of this process (Linux), in ms: the main thread, the worker threads, V8's helper
 * threads and the rest (libuv's pool, the inspector). Threads that have ended are not counted, so take the
 * difference of two samples while the same threads run; undefined off Linux.
 */
export function threadCpu(): Record<string, number> | undefined {
  const out: Record<string, number> = { main: 0, workers: 0, v8: 0, other: 0 };
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        const group = threadGroup(readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim());
        out[group] = (out[group] ?? 0) + (statAt(`/proc/self/task/${tid}/stat`)?.cpuMs ?? 0);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    return undefined;
  }
  return out;
}
