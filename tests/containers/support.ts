import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { counts, type database, eventually } from "../support/pipeline.ts";

const execFileAsync = promisify(execFile);

/** The container CLI: podman on these machines (docs/deployment.md); `CONTAINER_CLI=docker` where Docker runs. */
export const CLI = process.env["CONTAINER_CLI"] ?? "podman";

/** Runs the container CLI and returns its standard output, trimmed; rejects with its standard error. */
export async function cli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const { stdout } = await execFileAsync(CLI, args, {
    env: options.env ?? process.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

/** Polls an HTTP endpoint until it answers 200; returns the milliseconds waited, or throws at the deadline. */
export async function until200(url: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** The value of one unlabelled sample (or the sum over a metric's label sets) in a Prometheus text exposition. */
export function metricValue(exposition: string, name: string): number {
  let total = 0;
  let seen = false;
  for (const line of exposition.split("\n")) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
      seen = true;
    }
  }
  return seen ? total : Number.NaN;
}

/**
 * Waits until `total` records have an outcome (anonymised, withheld or dead-lettered), then returns the counts;
 * the caller asserts exactly once (no more outcomes than records, one row per record).
 */
export async function whenAccounted(db: ReturnType<typeof database>, total: number, timeoutMs = 120_000) {
  await eventually(async () => {
    const c = await counts(db);
    return c.rows + c.withheld + c.deadLetters >= total;
  }, timeoutMs);
  return counts(db);
}
