import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/**
 * Polls `probe` until it returns true or the deadline passes; returns whether it did. A probe that throws (a table
 * not created yet, a server restarting) just means "not yet". Deadlines are generous: tests assert behaviour, never
 * speed.
 */
export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** Like `eventually`, but throws a message naming the condition when the deadline passes. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!(await eventually(probe, timeoutMs, options.everyMs ?? 250))) {
    throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
  }
}
