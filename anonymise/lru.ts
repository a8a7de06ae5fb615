/**
 * A small LRU map for pseudonym tokens. A Map keeps insertion order, so re-inserting on a hit moves the entry to
 * the young end and the first key is always the oldest: O(1) per operation with no linked list to maintain.
 */
export class LruCache<V> {
  readonly capacity: number;
  hits = 0;
  misses = 0;
  readonly #map = new Map<string, V>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    if (this.#map.size >= this.capacity) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }

  get size(): number {
    return this.#map.size;
  }
}
