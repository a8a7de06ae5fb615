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

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

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
  #assigned = new Set<string>();
  /** The next offset to process per partition, as committed to Kafka (ours or the group's, read stable). */
  readonly #committedNext = new Map<string, bigint>();
  /** Offset of the last record accepted per partition (held, in processing or committed). */
  readonly #lastAccepted = new Map<string, bigint>();

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
    return this.#assigned.has(partitionKey(topic, partition));
  }

  /** A group join: the new assignment and the membership its offsets are committed under. */
  assign(partitions: ReadonlyArray<{ topic: string; partition: number }>, membership: Membership): void {
    this.#generation++;
    this.#membership = membership;
    this.#assigned = new Set(partitions.map((p) => partitionKey(p.topic, p.partition)));
    // A partition that moves away forgets what it held: its next owner reads it from the committed offset, and if
    // it comes back, the group's committed offset (read stable) says where to resume.
    for (const key of [...this.#lastAccepted.keys()])
      if (!this.#assigned.has(key)) this.#lastAccepted.delete(key);
    for (const key of [...this.#committedNext.keys()])
      if (!this.#assigned.has(key)) this.#committedNext.delete(key);
  }

  /** The group's committed position of an owned partition (read with require_stable after a join). */
  setCommitted(topic: string, partition: number, nextOffset: bigint): void {
    const key = partitionKey(topic, partition);
    if (!this.#assigned.has(key)) return;
    if (nextOffset > (this.#committedNext.get(key) ?? -1n)) this.#committedNext.set(key, nextOffset);
  }

  /**
   * True when the record is new to this replica; false for a re-delivery, an already committed offset, or a record
   * of a partition this replica does not own. The last happens when a fetch sent before a join answers after it:
   * accepted, such a record would become the partition's last held offset, and if the partition came back in a
   * later join, the re-read from the committed offset would be taken for re-deliveries up to it and dropped, and a
   * batch would commit past records nobody processed.
   */
  accept(record: Position): boolean {
    const key = partitionKey(record.topic, record.partition);
    if (!this.#assigned.has(key)) return false;
    if (record.offset < (this.#committedNext.get(key) ?? -1n)) return false;
    if (record.offset <= (this.#lastAccepted.get(key) ?? -1n)) return false;
    this.#lastAccepted.set(key, record.offset);
    return true;
  }

  /** The records of partitions still owned and not committed, each partition in strictly increasing offsets. */
  admissible<T extends Position>(batch: readonly T[]): T[] {
    const lastSeen = new Map<string, bigint>();
    const out: T[] = [];
    for (const record of batch) {
      const key = partitionKey(record.topic, record.partition);
      if (!this.#assigned.has(key)) continue;
      if (record.offset < (this.#committedNext.get(key) ?? -1n)) continue;
      if (record.offset <= (lastSeen.get(key) ?? -1n)) continue;
      lastSeen.set(key, record.offset);
      out.push(record);
    }
    return out;
  }

  /** A committed batch: its partitions' next offsets. */
  committed(offsets: ReadonlyArray<{ topic: string; partition: number; nextOffset: bigint }>): void {
    for (const o of offsets) {
      const key = partitionKey(o.topic, o.partition);
      if (o.nextOffset > (this.#committedNext.get(key) ?? -1n)) this.#committedNext.set(key, o.nextOffset);
    }
  }
}

/** The last record of each partition in a batch: the positions its commit moves the group to. */
export function lastPerPartition<T extends Position>(records: readonly T[]): T[] {
  const last = new Map<string, T>();
  for (const r of records) last.set(partitionKey(r.topic, r.partition), r);
  return [...last.values()];
}
