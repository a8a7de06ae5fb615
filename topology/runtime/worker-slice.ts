import { getPriority, setPriority } from "node:os";
import type { Topology } from "../dsl/topology.ts";
import { type ProcessingOptions, processRecords } from "./processing.ts";
import type { ConsumedRecord } from "./record-processor.ts";
import { RecordProcessor } from "./record-processor.ts";
import type { StoreRecord } from "./store.ts";
import type { WireBatch } from "./worker-processing.ts";
import { type PackedRecords, packMessages, packRows, unpackRecords } from "./worker-wire.ts";

/**
 * The module a processing worker imports: `build` makes its topology; `warm`, optional, runs once after it, before
 * the worker reports ready; `prepareStore`, optional, turns a store's records into the form its store takes (e.g.
 * rows already encoded for COPY), here in the worker rather than on the main thread, and names the buffers to
 * transfer with them rather than copy. Records it returns marked as `rows` (every value a PreparedRow of one buffer)
 * cross to the main thread packed (worker-wire.ts packRows); others are copied as they are.
 */
export interface WorkerModule {
  build(settings: unknown, count: (key: string, n?: number) => void): Topology;
  /** Optional: work to do once before the first slice (loading data the processing needs). */
  warm?(): void;
  prepareStore?(store: string, records: StoreRecord[]): PreparedStore;
}

/** A store's records as prepareStore returns them; `rows`: every value is a PreparedRow of one shared buffer. */
export interface PreparedStore {
  records: StoreRecord[];
  transfer?: ArrayBuffer[];
  rows?: boolean;
}

/**
 * Records a worker processes as one part of a slice. A part's outputs (anonymised records, encoded messages) are
 * turned into packed buffers as soon as it is done, so they die young: a whole slice of 500 held until its end was
 * still live at most scavenges and promoted, about a quarter more bytes promoted and a tenth more CPU per record
 * in the processing-path benchmark than parts of 100.
 */
export const DEFAULT_PART_RECORDS = 100;

/**
 * A slice's records: as record objects, or packed as they crossed from the main thread, then unpacked a part at a
 * time (the record objects of later parts are not made, nor kept alive, while earlier parts are processed).
 */
export type SliceRecords = readonly ConsumedRecord[] | PackedRecords;

/** What a processing worker does with each slice it is sent, from its topology; the benchmark runs it too. */
export class SliceProcessor {
  readonly #processor: RecordProcessor;
  readonly #prepareStore: WorkerModule["prepareStore"];
  readonly #options: ProcessingOptions;
  readonly #partRecords: number;

  constructor(
    topology: Topology,
    prepareStore: WorkerModule["prepareStore"],
    options: ProcessingOptions,
    partRecords = DEFAULT_PART_RECORDS,
  ) {
    this.#prepareStore = prepareStore;
    this.#options = options;
    this.#partRecords = Math.max(1, partRecords);
    this.#processor = new RecordProcessor(topology, options.handlers, {
      canDeadLetter: Boolean(options.deadLetterTopic),
    });
  }

  /**
   * One slice, in parts of `partRecords` records in order: each part processed, its stores' records prepared (and
   * packed, when they are rows) and its messages packed. `counters` is the map the topology counts into; each part
   * takes what was counted while it was processed. `transfer` lists the buffers to move to the main thread with the
   * parts.
   */
  async process(
    records: SliceRecords,
    signal: AbortSignal,
    counters: Map<string, number>,
  ): Promise<{ parts: WireBatch[]; transfer: ArrayBuffer[] }> {
    const parts: WireBatch[] = [];
    const transfer: ArrayBuffer[] = [];
    const packed = "count" in records;
    const count = packed ? records.count : records.length;
    let from = 0;
    do {
      const to = from + this.#partRecords;
      const part = packed ? unpackRecords(records, from, to) : records.slice(from, to);
      parts.push(await this.#processPart(part, signal, counters, transfer));
      from = to;
    } while (from < count);
    return { parts, transfer };
  }

  async #processPart(
    records: readonly ConsumedRecord[],
    signal: AbortSignal,
    counters: Map<string, number>,
    transfer: ArrayBuffer[],
  ): Promise<WireBatch> {
    const batch = await processRecords(this.#processor, records, this.#options, signal, counters);
    const prepareStore = this.#prepareStore;
    const stores: WireBatch["stores"] = [];
    const rows: WireBatch["rows"] = [];
    for (const [name, list] of batch.stores) {
      const prepared: PreparedStore = prepareStore ? prepareStore(name, list) : { records: list };
      transfer.push(...(prepared.transfer ?? []));
      // Packed only when marked as rows, and only if they are (packRows checks): otherwise copied as they are.
      const packed = prepared.rows === true ? packRows(prepared.records) : undefined;
      if (packed) {
        rows.push([name, packed.packed]);
        transfer.push(...packed.transfer);
      } else stores.push([name, prepared.records]);
    }
    const messages = packMessages(batch.messages);
    transfer.push(...messages.transfer);
    const counted = [...counters];
    counters.clear();
    return {
      messages: messages.packed,
      stores,
      rows,
      deadLetters: batch.deadLetters,
      topicRecords: batch.topicRecords,
      counters: counted,
    };
  }
}

/**
 * Lowers the calling thread's scheduling priority by `niceness` (capped at 19) and returns the niceness it then has.
 * Linux only: there `setPriority(0, …)` applies to the calling thread alone, while elsewhere it would lower the
 * whole process, event loop included. If the call fails, the thread keeps the priority it had. `os` is for tests.
 */
export function lowerThreadPriority(
  niceness: number,
  os: { platform: string; get(): number; set(value: number): void } = {
    platform: process.platform,
    get: () => getPriority(0),
    set: (value) => setPriority(0, value),
  },
): number | undefined {
  if (niceness <= 0 || os.platform !== "linux") return undefined;
  try {
    const target = Math.min(19, os.get() + niceness);
    os.set(target);
    return target;
  } catch {
    return undefined;
  }
}
