/**
 * One generation of the cache: an open-addressing hash table with linear probing, its slots' 32-bit key hashes in
 * one typed array. A lookup reads the hash array first and touches a slot's key only when the hashes agree, so a
 * miss costs about one read of memory the CPU caches do not hold. A V8 Map, whose chains compare each candidate
 * key, costs several (about 1.4 µs a miss across two generations, measured in the engine between the scrubber's
 * passes over a note). Never more than half full: a probe ends at an empty slot within a few steps. The table
 * starts small and doubles as it fills, up to the slots its generation needs: a cache that holds few entries stays
 * compact, as a Map would, and its look-ups stay in the CPU's caches.
 */
class Generation<V> {
  readonly #maxSlots: number;
  #mask: number;
  #hashes: Int32Array;
  /** Slot i's key at 2i and its value at 2i + 1: a hit reads one place of memory for both. */
  #entries: unknown[];
  size = 0;

  constructor(maxSlots: number) {
    this.#maxSlots = maxSlots;
    const slots = Math.min(INITIAL_SLOTS, maxSlots);
    this.#mask = slots - 1;
    this.#hashes = new Int32Array(slots);
    this.#entries = new Array<unknown>(2 * slots).fill(undefined);
  }

  get(key: string, hash: number): V | undefined {
    const hashes = this.#hashes;
    const mask = this.#mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const h = hashes[i] as number;
      if (h === 0) return undefined;
      if (h === hash && this.#entries[2 * i] === key) return this.#entries[2 * i + 1] as V;
    }
  }

  /** Adds or replaces; the caller keeps `size` at most half of the most slots. */
  set(key: string, value: V, hash: number): void {
    if (2 * (this.size + 1) > this.#hashes.length && this.#hashes.length < this.#maxSlots) this.#grow();
    const hashes = this.#hashes;
    const mask = this.#mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const h = hashes[i] as number;
      if (h === 0) {
        hashes[i] = hash;
        this.#entries[2 * i] = key;
        this.#entries[2 * i + 1] = value;
        this.size++;
        return;
      }
      if (h === hash && this.#entries[2 * i] === key) {
        this.#entries[2 * i + 1] = value;
        return;
      }
    }
  }

  /** Twice the slots, every entry placed again by its hash. */
  #grow(): void {
    const hashes = this.#hashes;
    const entries = this.#entries;
    const slots = 2 * hashes.length;
    this.#mask = slots - 1;
    this.#hashes = new Int32Array(slots);
    this.#entries = new Array<unknown>(2 * slots).fill(undefined);
    for (let j = 0; j < hashes.length; j++) {
      const hash = hashes[j] as number;
      if (hash === 0) continue;
      let i = hash & this.#mask;
      while (this.#hashes[i] !== 0) i = (i + 1) & this.#mask;
      this.#hashes[i] = hash;
      this.#entries[2 * i] = entries[2 * j];
      this.#entries[2 * i + 1] = entries[2 * j + 1];
    }
  }

  /** Empties the table and lets go of its keys and values. */
  clear(): void {
    if (this.size === 0) return;
    this.#hashes.fill(0);
    this.#entries.fill(undefined);
    this.size = 0;
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this.#entries.length; i += 2) {
      const k = this.#entries[i];
      if (k !== undefined) yield k as string;
    }
  }
}

const INITIAL_SLOTS = 64;

/**
 * FNV-1a over the string's UTF-16 code units, never 0 (0 marks an empty slot). A key longer than 16 characters is
 * hashed on its length, its first 8 and its last 8 characters: tokens, record ids and addresses differ there, and a
 * look-up costs the same whatever the key's length (equal hashes are still checked by comparing the keys).
 */
function hashOf(key: string): number {
  const n = key.length;
  let h = 0x811c9dc5 | 0;
  if (n <= 16) for (let i = 0; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  else {
    h = Math.imul(h ^ n, 0x01000193);
    for (let i = 0; i < 8; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    for (let i = n - 8; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  }
  return h === 0 ? 1 : h;
}

function slotsFor(entries: number): number {
  let slots = 4;
  while (slots < 2 * entries) slots *= 2;
  return slots;
}

/**
 * A bounded cache for pseudonym tokens and renderings with least-recently-used behaviour, built as two
 * generations: lookups hit the young one, or the old one (and are promoted); when the young one fills, it becomes
 * the old one and the previous old one is emptied and reused as the young. Entries used within the last
 * `capacity / 2` insertions always survive, as in an LRU, and a hit costs one lookup instead of a delete and
 * re-insert.
 */
export class LruCache<V> {
  readonly capacity: number;
  hits = 0;
  misses = 0;
  #young: Generation<V>;
  #old: Generation<V>;
  readonly #generation: number;
  /** The last key looked up and its hash: a miss is usually followed by the `set` of the same key. */
  #lastKey: string | undefined;
  #lastHash = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#generation = Math.max(1, Math.floor(capacity / 2));
    const slots = capacity > 0 ? slotsFor(this.#generation) : 4;
    this.#young = new Generation<V>(slots);
    this.#old = new Generation<V>(slots);
  }

  #hash(key: string): number {
    if (key === this.#lastKey) return this.#lastHash;
    const hash = hashOf(key);
    this.#lastKey = key;
    this.#lastHash = hash;
    return hash;
  }

  get(key: string): V | undefined {
    const hash = this.#hash(key);
    let value = this.#young.get(key, hash);
    if (value !== undefined) {
      this.hits++;
      return value;
    }
    value = this.#old.get(key, hash);
    if (value !== undefined) {
      this.hits++;
      this.#insert(key, value, hash);
      return value;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.#insert(key, value, this.#hash(key));
  }

  #insert(key: string, value: V, hash: number): void {
    if (this.#young.size >= this.#generation) {
      const emptied = this.#old;
      emptied.clear();
      this.#old = this.#young;
      this.#young = emptied;
    }
    this.#young.set(key, value, hash);
  }

  clear(): void {
    this.#young.clear();
    this.#old.clear();
    this.#lastKey = undefined;
  }

  /** Distinct entries held (at most `capacity`, or 2 when it is 1). */
  get size(): number {
    let n = this.#young.size;
    for (const k of this.#old.keys()) if (this.#young.get(k, hashOf(k)) === undefined) n++;
    return n;
  }
}
