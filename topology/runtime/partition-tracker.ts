/** Where a record came from. */
export interface Position {
  topic: string;
  partition: number;
  offset: bigint;
}

/** The group membership offsets are committed under (KIP-447 fencing). */
export interface Membership {
  generationId: number;
  memberId: string;
  coordinatorId: number;
}

/**
 * A map keyed by topic and partition. Look-ups build no key: the runtime looks up every record's partition several
 * times per batch, and a key string per look-up was a tenth of what the event loop's thread allocated per record.
 */
export class PartitionMap<V> {
  readonly #topics = new Map<string, Map<number, V>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(topic: string, partition: number): V | undefined {
    return this.#topics.get(topic)?.get(partition);
  }

  has(topic: string, partition: number): boolean {
    return this.#topics.get(topic)?.has(partition) ?? false;
  }

  set(topic: string, partition: number, value: V): void {
    let partitions = this.#topics.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.#topics.set(topic, partitions);
    }
    if (!partitions.has(partition)) this.#size++;
    partitions.set(partition, value);
  }

  /** Keeps only the entries `keep` says yes to. */
  retain(keep: (topic: string, partition: number) => boolean): void {
    for (const [topic, partitions] of this.#topics)
      for (const partition of [...partitions.keys()])
        if (!keep(topic, partition)) {
          partitions.delete(partition);
          this.#size--;
        }
  }

  clear(): void {
    this.#topics.clear();
    this.#size = 0;
  }

  /** The values, topic by topic in the order topics were first set, each topic's partitions likewise. */
  *values(): IterableIterator<V> {
    for (const partitions of this.#topics.values()) yield* partitions.values();
  }
}

/**
 * Which partitions this replica owns and how far each has been committed, so that a record is processed once:
 * - `accept` drops a record the client delivers again (after a join it re-reads from the committed offset, and may
 *   re-deliver records this replica already holds), one below the committed position, or one of a partition it
 *   does not own (a fetch that answers after the join that moved the partition away);
 * - `admissible` keeps, at commit time, only records of partitions still owned and not yet committed;
 * - each join bumps the generation: a batch that started under an older one must re-check before it commits.
 */
export class PartitionTracker {
  #generation = 0;
  #membership: Membership | undefined;
  readonly #assigned = new PartitionMap<true>();
  /** The next offset to process per partition, as committed to Kafka (ours or the group's, read stable). */
  readonly #committedNext = new PartitionMap<bigint>();
  /** Offset of the last record accepted per partition (held, in processing or committed). */
  readonly #lastAccepted = new PartitionMap<bigint>();

  get generation(): number {
    return this.#generation;
  }

  get membership(): Membership | undefined {
    return this.#membership;
  }

  get assignedCount(): number {
    return this.#assigned.size;
  }

  owns(topic: string, partition: number): boolean {
    return this.#assigned.has(topic, partition);
  }

  /** A group join: the new assignment and the membership its offsets are committed under. */
  assign(partitions: ReadonlyArray<{ topic: string; partition: number }>, membership: Membership): void {
    this.#generation++;
    this.#membership = membership;
    this.#assigned.clear();
    for (const p of partitions) this.#assigned.set(p.topic, p.partition, true);
    // A partition that moves away forgets what it held: its next owner reads it from the committed offset, and if
    // it comes back, the group's committed offset (read stable) says where to resume.
    const owned = (topic: string, partition: number) => this.#assigned.has(topic, partition);
    this.#lastAccepted.retain(owned);
    this.#committedNext.retain(owned);
  }

  /** The group's committed position of an owned partition (read with require_stable after a join). */
  setCommitted(topic: string, partition: number, nextOffset: bigint): void {
    if (!this.#assigned.has(topic, partition)) return;
    if (nextOffset > (this.#committedNext.get(topic, partition) ?? -1n))
      this.#committedNext.set(topic, partition, nextOffset);
  }

  /**
   * True when the record is new to this replica; false for a re-delivery, an already committed offset, or a record
   * of a partition this replica does not own. The last happens when a fetch sent before a join answers after it:
   * accepted, such a record would become the partition's last held offset, and if the partition came back in a
   * later join, the re-read from the committed offset would be taken for re-deliveries up to it and dropped, and a
   * batch would commit past records nobody processed.
   */
  accept(record: Position): boolean {
    const { topic, partition, offset } = record;
    if (!this.#assigned.has(topic, partition)) return false;
    if (offset < (this.#committedNext.get(topic, partition) ?? -1n)) return false;
    if (offset <= (this.#lastAccepted.get(topic, partition) ?? -1n)) return false;
    this.#lastAccepted.set(topic, partition, offset);
    return true;
  }

  /** The records of partitions still owned and not committed, each partition in strictly increasing offsets. */
  admissible<T extends Position>(batch: readonly T[]): T[] {
    const lastSeen = new PartitionMap<bigint>();
    const out: T[] = [];
    for (const record of batch) if (this.#admits(record, lastSeen)) out.push(record);
    return out;
  }

  /** True when `admissible` would keep every record of the batch (without making the list). */
  allAdmissible(batch: readonly Position[]): boolean {
    const lastSeen = new PartitionMap<bigint>();
    for (const record of batch) if (!this.#admits(record, lastSeen)) return false;
    return true;
  }

  /** One record of a batch in order: `lastSeen` holds the offset last admitted of each of its partitions. */
  #admits(record: Position, lastSeen: PartitionMap<bigint>): boolean {
    const { topic, partition, offset } = record;
    if (!this.#assigned.has(topic, partition)) return false;
    if (offset < (this.#committedNext.get(topic, partition) ?? -1n)) return false;
    if (offset <= (lastSeen.get(topic, partition) ?? -1n)) return false;
    lastSeen.set(topic, partition, offset);
    return true;
  }

  /** A committed batch: its partitions' next offsets. */
  committed(offsets: ReadonlyArray<{ topic: string; partition: number; nextOffset: bigint }>): void {
    for (const o of offsets)
      if (o.nextOffset > (this.#committedNext.get(o.topic, o.partition) ?? -1n))
        this.#committedNext.set(o.topic, o.partition, o.nextOffset);
  }
}

/** The last record of each partition in a batch: the positions its commit moves the group to. */
export function lastPerPartition<T extends Position>(records: readonly T[]): T[] {
  const last = new PartitionMap<T>();
  for (const r of records) last.set(r.topic, r.partition, r);
  return [...last.values()];
}
