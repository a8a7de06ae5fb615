import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { EventLoopDelay, loopDelayMs, PipelineMetrics } from "../../ops/metrics.ts";

/** Keeps the event loop busy for `ms` milliseconds. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe("event-loop delay", () => {
  it("takes the monitor's own 10 ms period off each interval, and reads jitter below it as no delay", () => {
    expect(loopDelayMs(10_000_000)).toBe(0);
    expect(loopDelayMs(35_500_000)).toBeCloseTo(25.5, 9);
    expect(loopDelayMs(9_800_000)).toBe(0);
  });

  it("reads 0 before the first sample", () => {
    const loop = new EventLoopDelay();
    expect(loop.percentileMs(99)).toBe(0);
    expect(loop.maxMs()).toBe(0);
  });

  it("reads an idle loop as undelayed and a blocked one by how long it was blocked", async () => {
    const loop = new EventLoopDelay();
    loop.enable();
    try {
      await sleep(300);
      // Idle: the timer fires on time; before the period was taken off this read 10 ms or more.
      expect(loop.percentileMs(50)).toBeLessThan(10);
      await sleep(15);
      block(120);
      await sleep(30);
      expect(loop.maxMs()).toBeGreaterThanOrEqual(90);
    } finally {
      loop.disable();
    }
  });

  it("is what the metrics endpoint exports, in seconds", async () => {
    const metrics = new PipelineMetrics();
    try {
      await sleep(15);
      block(120);
      await sleep(30);
      metrics.sampleEventLoop();
      const text = await metrics.registry.metrics();
      const max = Number(/anonymiser_event_loop_delay_seconds\{quantile="1"\} (\S+)/.exec(text)?.[1]);
      expect(max).toBeGreaterThanOrEqual(0.09);
      expect(max).toBeLessThan(10);
    } finally {
      metrics.close();
    }
  });
});
