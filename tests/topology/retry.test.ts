import { afterEach, describe, expect, it, vi } from "vitest";
import { TransientError } from "../../topology/dsl/errors.ts";
import { backoffDelay, retryWhile } from "../../topology/runtime/retry.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("backoffDelay", () => {
  const options = { initialMs: 100, maxMs: 5_000 };

  it.each([0, 0.5, 0.999_999])("stays within [initialMs, maxMs] for every attempt (random = %s)", (r) => {
    vi.spyOn(Math, "random").mockReturnValue(r);
    for (let attempt = 0; attempt <= 64; attempt++) {
      const delay = backoffDelay(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(options.initialMs);
      expect(delay).toBeLessThanOrEqual(options.maxMs);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it("grows its ceiling exponentially until the cap", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999_999);
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 30].map((a) => backoffDelay(a, options));
    expect(ceilings).toEqual([100, 199, 399, 799, 1_599, 3_199, 4_999, 4_999]);
  });

  it("never waits less than initialMs, even with no jitter", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect(backoffDelay(10, options)).toBe(100);
  });
});

describe("retryWhile", () => {
  const fast = { initialMs: 1, maxMs: 2 };

  it("retries while the error is retryable and returns the first success", async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWhile(
      async () => {
        calls++;
        if (calls < 3) throw new TransientError("DB_DOWN", "database restarting");
        return "done";
      },
      (e) => e instanceof TransientError,
      { ...fast, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(result).toBe("done");
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it("stops at once on a non-retryable error and rethrows it unchanged", async () => {
    const permanent = new Error("constraint violated");
    let calls = 0;
    const onRetry = vi.fn();
    await expect(
      retryWhile(
        async () => {
          calls++;
          throw permanent;
        },
        (e) => e instanceof TransientError,
        { ...fast, onRetry },
      ),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("stops waiting when aborted during a backoff and rethrows the last error", async () => {
    const controller = new AbortController();
    const transient = new TransientError("DB_DOWN", "database restarting");
    let calls = 0;
    const outcome = retryWhile(
      async () => {
        calls++;
        throw transient;
      },
      () => true,
      {
        initialMs: 60_000,
        maxMs: 60_000,
        signal: controller.signal,
        onRetry: () => queueMicrotask(() => controller.abort()),
      },
    );
    await expect(outcome).rejects.toBe(transient);
    // Settling at all proves it did not sit out the minute-long backoff (the test would time out).
    expect(calls).toBe(1);
  });

  it("does not retry once the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    await expect(
      retryWhile(
        async () => {
          calls++;
          throw new TransientError("DB_DOWN", "x");
        },
        () => true,
        { ...fast, signal: controller.signal },
      ),
    ).rejects.toMatchObject({ code: "DB_DOWN" });
    expect(calls).toBe(1);
  });
});
