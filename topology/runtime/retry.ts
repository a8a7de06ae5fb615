import { setTimeout as sleep } from "node:timers/promises";

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Capped exponential backoff with full jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 20));
  return Math.max(options.initialMs, Math.floor(Math.random() * ceiling));
}

/**
 * Retries `operation` while `shouldRetry(error)` holds, forever unless `signal` aborts: transient failures (a
 * database restart, a registry 5xx) are waited out, never turned into data loss or dead letters.
 */
export async function retryWhile<T>(
  operation: () => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
  options: BackoffOptions & {
    signal?: AbortSignal;
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!shouldRetry(error) || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined).catch(
        () => undefined,
      );
      if (options.signal?.aborted) throw error;
    }
  }
}
