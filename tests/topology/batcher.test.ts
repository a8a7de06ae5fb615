import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Batcher } from "../../topology/runtime/batcher.ts";

describe("Batcher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const make = (maxRecords = 3, maxMs = 100) => {
    const batches: number[][] = [];
    const b = new Batcher<number>({ maxRecords, maxMs, onBatch: (batch) => batches.push(batch) });
    return { b, batches };
  };

  it("seals a full batch at once", () => {
    const { b, batches } = make();
    for (const n of [1, 2, 3, 4]) b.add(n);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(b.size).toBe(1);
  });

  it("seals a partial batch when its first item has waited maxMs", () => {
    const { b, batches } = make();
    b.add(1);
    vi.advanceTimersByTime(60);
    b.add(2);
    vi.advanceTimersByTime(39);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1, 2]]);
    vi.advanceTimersByTime(1_000);
    expect(batches).toEqual([[1, 2]]);
  });

  it("does nothing when sealed empty, and drops items that fail retain", () => {
    const { b, batches } = make();
    b.seal();
    expect(batches).toEqual([]);
    b.add(1);
    b.add(2);
    b.retain((n) => n !== 1);
    b.seal();
    expect(batches).toEqual([[2]]);
  });

  it("cancel stops the timer without sealing", () => {
    const { b, batches } = make();
    b.add(1);
    b.cancel();
    vi.advanceTimersByTime(1_000);
    expect(batches).toEqual([]);
  });
});
