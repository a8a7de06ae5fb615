import { isPreparedRow, type PreparedRow } from "../../contracts/stores.ts";
import type { OutgoingMessage } from "./materialise.ts";
import type { ConsumedRecord } from "./record-processor.ts";
import type { StoreRecord } from "./store.ts";

/*
 * Records, topic outputs and prepared store rows as they cross to and from processing workers: the bytes of every key
 * and value in one buffer and the positions in typed arrays, all transferred rather than copied record by record
 * (structured clone of thousands of small Buffers or objects costs more than the work done on many of them).
 * Headers, rare, travel as they are.
 */

/** Where each of a list of records came from: its topic (by index into `topics`), partition, offset and timestamp. */
interface PackedPositions {
  count: number;
  topics: string[];
  topicIndex: Uint16Array;
  partitions: Int32Array;
  offsets: BigInt64Array;
  timestamps: BigInt64Array;
}

/** The most entries a table indexed by a Uint16Array can hold. */
const MAX_TABLE = 0x10000;

export interface PackedRecords extends PackedPositions {
  /** Per record: key start, key length (-1: none), value start, value length (-1: none), into `bytes`. */
  spans: Int32Array;
  bytes: Uint8Array;
  headers: Array<[number, Array<[Buffer | string, Uint8Array]>]>;
}

export interface PackedMessages {
  count: number;
  topics: string[];
  topicIndex: Uint16Array;
  spans: Int32Array;
  bytes: Uint8Array;
  /** Messages that carry headers or a partition (dead letters), by position, as they are. */
  extras: Array<[number, { headers?: Map<string, Buffer>; partition?: number }]>;
}

function topicTable(): { topics: string[]; index(topic: string): number } {
  const topics: string[] = [];
  const seen = new Map<string, number>();
  return {
    topics,
    index(topic) {
      let i = seen.get(topic);
      if (i === undefined) {
        i = nextIndex(topics.length, "topics");
        topics.push(topic);
        seen.set(topic, i);
      }
      return i;
    },
  };
}

/** The index the next entry of a table of `size` entries takes; a Uint16Array index holds MAX_TABLE at most. */
function nextIndex(size: number, what: string): number {
  if (size === MAX_TABLE) throw new RangeError(`more than ${MAX_TABLE} ${what} in one packed list`);
  return size;
}

/** Writes keys and values into one buffer; spans get [start, length] pairs (length -1 for none). */
function packBytes(
  items: ReadonlyArray<{ key: Uint8Array | undefined; value: Uint8Array | undefined }>,
  spans: Int32Array,
): Uint8Array<ArrayBuffer> {
  let total = 0;
  for (const item of items) total += (item.key?.length ?? 0) + (item.value?.length ?? 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const { key, value } = items[i] as { key: Uint8Array | undefined; value: Uint8Array | undefined };
    at = packPart(key, bytes, spans, i * 4, at);
    at = packPart(value, bytes, spans, i * 4 + 2, at);
  }
  return bytes;
}

/** One key or value written into `bytes` at `at`, its span at `spans[slot]`; returns where the next one goes. */
function packPart(
  part: Uint8Array | undefined | null,
  bytes: Uint8Array,
  spans: Int32Array,
  slot: number,
  at: number,
): number {
  if (part === undefined || part === null) {
    spans[slot] = 0;
    spans[slot + 1] = -1;
    return at;
  }
  bytes.set(part, at);
  spans[slot] = at;
  spans[slot + 1] = part.length;
  return at + part.length;
}

function view(bytes: Uint8Array, spans: Int32Array, at: number): Buffer | undefined {
  const length = spans[at + 1] as number;
  if (length < 0) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset + (spans[at] as number), length);
}

type Position = Pick<ConsumedRecord, "topic" | "partition" | "offset" | "timestamp">;

/** The positions of `items`, and the buffers to transfer with them. */
function packPositions(items: readonly Position[]): { positions: PackedPositions; transfer: ArrayBuffer[] } {
  const n = items.length;
  const table = topicTable();
  const topicIndex = new Uint16Array(n);
  const partitions = new Int32Array(n);
  const offsets = new BigInt64Array(n);
  const timestamps = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const r = items[i] as Position;
    topicIndex[i] = table.index(r.topic);
    partitions[i] = r.partition;
    offsets[i] = r.offset;
    timestamps[i] = r.timestamp;
  }
  return {
    positions: { count: n, topics: table.topics, topicIndex, partitions, offsets, timestamps },
    transfer: [topicIndex.buffer, partitions.buffer, offsets.buffer, timestamps.buffer],
  };
}

export function packRecords(records: readonly ConsumedRecord[]): {
  packed: PackedRecords;
  transfer: ArrayBuffer[];
} {
  const { positions, transfer } = packPositions(records);
  const spans = new Int32Array(records.length * 4);
  const headers: PackedRecords["headers"] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as ConsumedRecord;
    if (r.headers.size > 0) headers.push([i, [...r.headers]]);
  }
  const bytes = packBytes(records, spans);
  return {
    packed: { ...positions, spans, bytes, headers },
    transfer: [...transfer, spans.buffer, bytes.buffer],
  };
}

/** Headers as they arrive from another thread (values as Uint8Array), with Buffer values again. */
function revivedHeaders<K>(entries: Iterable<readonly [K, Uint8Array]>): Map<K, Buffer> {
  const out = new Map<K, Buffer>();
  for (const [k, v] of entries) out.set(k, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  return out;
}

/** The headers of every record that has none (records' headers are read-only). */
const NO_HEADERS: ReadonlyMap<Buffer | string, Buffer> = new Map();

/** Records `from` to `to` (exclusive; by default all of them) of a packed set, as record objects. */
export function unpackRecords(p: PackedRecords, from = 0, to = p.count): ConsumedRecord[] {
  const headers = new Map(p.headers);
  const end = Math.min(to, p.count);
  const out: ConsumedRecord[] = new Array(Math.max(0, end - from));
  for (let i = from; i < end; i++) {
    const h = headers.get(i);
    out[i - from] = {
      topic: p.topics[p.topicIndex[i] as number] as string,
      partition: p.partitions[i] as number,
      offset: p.offsets[i] as bigint,
      timestamp: p.timestamps[i] as bigint,
      key: view(p.bytes, p.spans, i * 4),
      value: view(p.bytes, p.spans, i * 4 + 2),
      headers: h ? revivedHeaders(h) : NO_HEADERS,
    };
  }
  return out;
}

export function packMessages(messages: readonly OutgoingMessage[]): {
  packed: PackedMessages;
  transfer: ArrayBuffer[];
} {
  const n = messages.length;
  const table = topicTable();
  const topicIndex = new Uint16Array(n);
  const spans = new Int32Array(n * 4);
  const extras: PackedMessages["extras"] = [];
  for (let i = 0; i < n; i++) {
    const m = messages[i] as OutgoingMessage;
    topicIndex[i] = table.index(m.topic);
    if (m.headers !== undefined || m.partition !== undefined)
      extras.push([
        i,
        {
          ...(m.headers ? { headers: m.headers } : {}),
          ...(m.partition !== undefined ? { partition: m.partition } : {}),
        },
      ]);
  }
  const bytes = packBytes(messages, spans);
  return {
    packed: { count: n, topics: table.topics, topicIndex, spans, bytes, extras },
    transfer: [topicIndex.buffer, spans.buffer, bytes.buffer],
  };
}

export function unpackMessages(p: PackedMessages): OutgoingMessage[] {
  const out: OutgoingMessage[] = new Array(p.count);
  for (let i = 0; i < p.count; i++) {
    // Every message is made with the same three fields (no spread of an empty object per message); the few with
    // headers or a partition (dead letters) get them added below.
    out[i] = {
      topic: p.topics[p.topicIndex[i] as number] as string,
      key: view(p.bytes, p.spans, i * 4),
      value: view(p.bytes, p.spans, i * 4 + 2) ?? Buffer.alloc(0),
    };
  }
  for (const [i, extra] of p.extras) {
    const m = out[i] as OutgoingMessage;
    if (extra.headers) m.headers = revivedHeaders(extra.headers);
    if (extra.partition !== undefined) m.partition = extra.partition;
  }
  return out;
}

/**
 * A store's records whose values are all rows prepared for their store in one buffer (PreparedRow: the research
 * rows a processing worker writes in COPY form), packed: where each came from and where its row lies in typed
 * arrays, transferred with the rows' buffer, rather than two objects a record copied by structured clone.
 */
export interface PackedRows extends PackedPositions {
  /** The records' keys, by position; undefined when none has one. */
  keys: unknown[] | undefined;
  /** The buffer every row is a slice of (transferred by whoever prepared the rows). */
  bytes: Uint8Array;
  /** Per row: where it starts and where it ends in `bytes`. */
  bounds: Int32Array;
  /** The distinct [policy_version, key_id] stamps of the rows, and each row's, by index. */
  stamps: Array<[string, string]>;
  stampIndex: Uint16Array;
}

/** `records` as PackedRows, or undefined unless every value is a PreparedRow of one and the same buffer. */
export function packRows(
  records: readonly StoreRecord[],
): { packed: PackedRows; transfer: ArrayBuffer[] } | undefined {
  const n = records.length;
  const first = records[0]?.value;
  if (!isPreparedRow(first)) return undefined;
  const bytes = first.bytes;
  for (const r of records) if (!isPreparedRow(r.value) || r.value.bytes !== bytes) return undefined;
  const { positions, transfer } = packPositions(records);
  const bounds = new Int32Array(2 * n);
  const stamps = stampTable();
  const stampIndex = new Uint16Array(n);
  let keys: unknown[] | undefined;
  for (let i = 0; i < n; i++) {
    const r = records[i] as StoreRecord;
    const row = r.value as PreparedRow;
    bounds[2 * i] = row.start;
    bounds[2 * i + 1] = row.end;
    stampIndex[i] = stamps.index(row);
    if (r.key !== undefined) {
      keys ??= new Array<unknown>(n).fill(undefined);
      keys[i] = r.key;
    }
  }
  return {
    packed: { ...positions, keys, bytes, bounds, stamps: stamps.stamps, stampIndex },
    transfer: [...transfer, bounds.buffer, stampIndex.buffer],
  };
}

/**
 * The distinct [policy_version, key_id] stamps of rows, and the index of each (one in practice: a worker runs one
 * policy with one key).
 */
function stampTable(): { stamps: Array<[string, string]>; index(row: PreparedRow): number } {
  const stamps: Array<[string, string]> = [];
  const seen = new Map<string, Map<string, number>>();
  return {
    stamps,
    index(row) {
      let byKey = seen.get(row.policy_version);
      if (byKey === undefined) {
        byKey = new Map();
        seen.set(row.policy_version, byKey);
      }
      let i = byKey.get(row.key_id);
      if (i === undefined) {
        i = nextIndex(stamps.length, "stamps");
        stamps.push([row.policy_version, row.key_id]);
        byKey.set(row.key_id, i);
      }
      return i;
    },
  };
}

/** The store records packRows packed, as they were (the rows' bytes as views of the one buffer). */
export function unpackRows(p: PackedRows): StoreRecord[] {
  const out: StoreRecord[] = new Array(p.count);
  for (let i = 0; i < p.count; i++) {
    const [policyVersion, keyId] = p.stamps[p.stampIndex[i] as number] as [string, string];
    const value: PreparedRow = {
      bytes: p.bytes,
      start: p.bounds[2 * i] as number,
      end: p.bounds[2 * i + 1] as number,
      policy_version: policyVersion,
      key_id: keyId,
    };
    out[i] = {
      key: p.keys?.[i],
      value,
      topic: p.topics[p.topicIndex[i] as number] as string,
      partition: p.partitions[i] as number,
      offset: p.offsets[i] as bigint,
      timestamp: p.timestamps[i] as bigint,
    };
  }
  return out;
}
