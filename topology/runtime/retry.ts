import { setTimeout as delay } from "node:timers/promises";

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Capped exponential backoff with full jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 20));
  return Math.max(options.initialMs, Math.floor(Math.random() * ceiling));
}

/** Waits `ms`, or less when `signal` aborts (never rejects: callers check the signal themselves). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  await delay(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
}

/**
 * Retries `operation` while `shouldRetry(error)` holds, forever unless `signal` aborts: transient failures (a
 * database restart, a registry 5xx, a broker outage) are waited out, never turned into data loss or dead letters.
 * Every retry loop of the runtime goes through here.
 */
export async function retryWhile<T>(
  operation: (attempt: number) => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
  options: BackoffOptions & {
    signal?: AbortSignal;
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!shouldRetry(error) || options.signal?.aborted) throw error;
      const wait = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt + 1, wait);
      await sleep(wait, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
