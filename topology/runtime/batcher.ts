/**
 * Collects items into batches bounded by count and by age: a batch is sealed when it holds `maxRecords` items or
 * when its first item has waited `maxMs`. Sealed batches are handed to `onBatch` in order.
 */
export class Batcher<T> {
  readonly #maxRecords: number;
  readonly #maxMs: number;
  readonly #onBatch: (batch: T[]) => void;
  #pending: T[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { maxRecords: number; maxMs: number; onBatch: (batch: T[]) => void }) {
    this.#maxRecords = options.maxRecords;
    this.#maxMs = options.maxMs;
    this.#onBatch = options.onBatch;
  }

  get size(): number {
    return this.#pending.length;
  }

  add(item: T): void {
    this.#pending.push(item);
    if (this.#pending.length >= this.#maxRecords) this.seal();
    else this.#timer ??= setTimeout(() => this.seal(), this.#maxMs);
  }

  /** Seals what is pending now (nothing happens when it is empty). */
  seal(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#onBatch(batch);
  }

  /** Drops pending items that fail `keep` (partitions that moved to another replica). */
  retain(keep: (item: T) => boolean): void {
    this.#pending = this.#pending.filter(keep);
  }

  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
