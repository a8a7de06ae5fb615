import { describe, expect, it } from "vitest";
import {
  lastPerPartition,
  PartitionMap,
  PartitionTracker,
} from "../../topology/runtime/partition-tracker.ts";

const membership = (generationId: number) => ({ generationId, memberId: "m", coordinatorId: 1 });
/** Partitions of the topic "raw", as an assignment lists them. */
const raw = (...partitions: number[]) => partitions.map((partition) => ({ topic: "raw", partition }));
const at = (partition: number, offset: number, topic = "raw") => ({
  topic,
  partition,
  offset: BigInt(offset),
});

describe("PartitionTracker", () => {
  it("accepts each offset once: a re-delivery of a held record is dropped", () => {
    const t = new PartitionTracker();
    t.assign(raw(0), membership(1));
    expect([0, 1, 2].map((o) => t.accept(at(0, o)))).toEqual([true, true, true]);
    // The client re-reads from the committed offset after a join.
    expect([0, 1, 2, 3].map((o) => t.accept(at(0, o)))).toEqual([false, false, false, true]);
  });

  it("drops records below the committed position (ours, or the group's read stable after a join)", () => {
    const t = new PartitionTracker();
    t.assign(raw(0), membership(1));
    t.setCommitted("raw", 0, 10n);
    expect(t.accept(at(0, 9))).toBe(false);
    expect(t.accept(at(0, 10))).toBe(true);
    t.committed([{ topic: "raw", partition: 0, nextOffset: 20n }]);
    expect(t.admissible([at(0, 15), at(0, 20)])).toEqual([at(0, 20)]);
  });

  it("never lowers a committed position", () => {
    const t = new PartitionTracker();
    t.assign(raw(0), membership(1));
    t.committed([{ topic: "raw", partition: 0, nextOffset: 20n }]);
    t.setCommitted("raw", 0, 5n);
    expect(t.admissible([at(0, 19), at(0, 20)])).toEqual([at(0, 20)]);
  });

  it("keeps at commit time only partitions still owned, in strictly increasing offsets", () => {
    const t = new PartitionTracker();
    t.assign(raw(0, 1), membership(1));
    const batch = [at(0, 1), at(1, 1), at(0, 1), at(0, 2), at(1, 0)];
    t.assign(raw(0), membership(2));
    expect(t.admissible(batch)).toEqual([at(0, 1), at(0, 2)]);
  });

  it("says a batch is wholly admissible exactly when admissible would keep all of it", () => {
    const t = new PartitionTracker();
    t.assign(raw(0, 1), membership(1));
    t.committed([{ topic: "raw", partition: 1, nextOffset: 10n }]);
    const batches = [
      [],
      [at(0, 1), at(1, 10), at(0, 2), at(1, 11)],
      [at(0, 1), at(1, 9)],
      [at(0, 2), at(0, 2)],
      [at(0, 3), at(0, 1)],
      [at(0, 1), at(2, 1)],
      [at(0, 1), at(0, 2, "other")],
    ];
    const whole = batches.map((b) => t.allAdmissible(b));
    expect(whole).toEqual([true, true, false, false, false, false, false]);
    expect(whole).toEqual(batches.map((b) => t.admissible(b).length === b.length));
  });

  it("bumps the generation at every join and records the membership offsets are committed under", () => {
    const t = new PartitionTracker();
    expect(t.membership).toBeUndefined();
    t.assign([], membership(4));
    t.assign(raw(3), membership(5));
    expect(t.generation).toBe(2);
    expect(t.membership?.generationId).toBe(5);
    expect(t.owns("raw", 3)).toBe(true);
    expect(t.owns("raw", 0)).toBe(false);
  });

  it("forgets what a partition held when it moves away, so that it resumes from the committed offset on return", () => {
    const t = new PartitionTracker();
    t.assign(raw(0), membership(1));
    t.accept(at(0, 5));
    t.assign([], membership(2));
    t.assign(raw(0), membership(3));
    // Another replica may have committed up to 3 meanwhile; nothing held here hides offsets 3-5.
    t.setCommitted("raw", 0, 3n);
    expect(t.accept(at(0, 3))).toBe(true);
  });

  it("refuses records of a partition it does not own, so that a late fetch cannot hide offsets when the partition returns", () => {
    const t = new PartitionTracker();
    t.assign(raw(0), membership(1));
    expect(t.accept(at(0, 0))).toBe(true);
    t.assign([], membership(2));
    // A fetch sent before the join answers after it.
    expect(t.accept(at(0, 1))).toBe(false);
    t.assign(raw(0), membership(3));
    // The re-read from the committed offset (nothing committed) is new again, not a re-delivery.
    expect([0, 1].map((o) => t.accept(at(0, o)))).toEqual([true, true]);
  });

  it("ignores the committed offset of a partition it does not own", () => {
    const t = new PartitionTracker();
    t.assign(raw(0), membership(1));
    t.setCommitted("raw", 1, 100n);
    t.assign(raw(0, 1), membership(2));
    expect(t.accept(at(1, 0))).toBe(true);
  });
});

describe("lastPerPartition", () => {
  it("returns the last record of each partition", () => {
    expect(lastPerPartition([at(0, 1), at(1, 7), at(0, 2), at(0, 3, "other")])).toEqual([
      at(0, 2),
      at(1, 7),
      at(0, 3, "other"),
    ]);
  });
});

describe("PartitionMap", () => {
  it("keys by topic and partition, counts distinct entries, and keeps first-set order", () => {
    const m = new PartitionMap<string>();
    m.set("a", 1, "a1");
    m.set("b", 0, "b0");
    m.set("a", 0, "a0");
    m.set("a", 1, "a1 again");
    expect(m.size).toBe(3);
    expect(m.get("a", 1)).toBe("a1 again");
    expect(m.get("b", 1)).toBeUndefined();
    expect(m.has("b", 0)).toBe(true);
    expect(m.has("c", 0)).toBe(false);
    // Topic "a" first (both its partitions, in the order set), then "b".
    expect([...m.values()]).toEqual(["a1 again", "a0", "b0"]);
  });

  it("retains only the entries asked for, and clears", () => {
    const m = new PartitionMap<number>();
    for (const topic of ["a", "b"]) for (const p of [0, 1, 2]) m.set(topic, p, p);
    m.retain((topic, p) => topic === "a" || p === 1);
    expect(m.size).toBe(4);
    expect([...m.values()]).toEqual([0, 1, 2, 1]);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get("a", 0)).toBeUndefined();
  });

  it("lastPerPartition keeps each partition's last record, across topics", () => {
    expect(lastPerPartition([at(0, 1), at(1, 5), at(0, 2), at(0, 7, "other"), at(1, 6)])).toEqual([
      at(0, 2),
      at(1, 6),
      at(0, 7, "other"),
    ]);
  });
});
