/**
 * A bounded cache for pseudonym tokens with least-recently-used behaviour, built as two generations of Maps:
 * lookups hit the young Map, or the old Map (and are promoted); when the young Map fills, it becomes the old one
 * and the previous old one is dropped whole. Entries used within the last `capacity / 2` insertions always
 * survive, as in an LRU, but a hit costs one Map lookup instead of a delete and re-insert, which on V8 was the
 * dominant cost of a Map-ordered LRU on the hot path.
 */
export class LruCache<V> {
  readonly capacity: number;
  hits = 0;
  misses = 0;
  #young = new Map<string, V>();
  #old = new Map<string, V>();
  readonly #generation: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#generation = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: string): V | undefined {
    let value = this.#young.get(key);
    if (value !== undefined) {
      this.hits++;
      return value;
    }
    value = this.#old.get(key);
    if (value !== undefined) {
      this.hits++;
      this.#insert(key, value);
      return value;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.#insert(key, value);
  }

  #insert(key: string, value: V): void {
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  clear(): void {
    this.#young = new Map();
    this.#old = new Map();
  }

  /** Distinct entries held (at most `capacity`). */
  get size(): number {
    let n = this.#young.size;
    for (const k of this.#old.keys()) if (!this.#young.has(k)) n++;
    return n;
  }
}
