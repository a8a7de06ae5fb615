import { hmacSha256 } from "./hmac.ts";
import type { Keyring } from "./keyring.ts";
import { LruCache } from "./lru.ts";
import { normaliseNhsNumber } from "./nhs-number.ts";

/**
 * Keyed, deterministic pseudonyms: `PREFIX-keyId-BASE32(HMAC-SHA256(key, PREFIX ":" normalised))[0..26]`.
 * - Keyed (not a plain hash): NHS numbers are a small space (10^9), so an unkeyed hash is reversible by brute
 *   force in minutes. Without the key nobody can recompute a token from an identifier.
 * - The prefix is inside the HMAC input (domain separation): the same string as a PAT and as an NHS identifier
 *   gives unrelated tokens, so tokens of one type cannot be joined to another.
 * - The key id is in the token, so a rotation is visible in the data: tokens of k1 and k2 never silently mix.
 * - 26 base32 characters carry 128 bits of the MAC: collisions are negligible at national scale.
 */

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const TOKEN_BODY_LENGTH = 26;

const BASE32_CODES = Buffer.from(BASE32, "latin1");
/** One scratch buffer for the characters of a token body: the string is made from it in one step. */
const base32Chars = Buffer.alloc(64);

/** `bytes` is a MAC as a "binary" (latin1) string, a character per byte: no Buffer is made per MAC. */
function base32(bytes: string, length: number): string {
  let n = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && n < length; i++) {
    buffer = ((buffer << 8) | bytes.charCodeAt(i)) & 0xffff;
    bits += 8;
    while (bits >= 5 && n < length) {
      base32Chars[n++] = BASE32_CODES[(buffer >>> (bits - 5)) & 31] as number;
      bits -= 5;
    }
  }
  return base32Chars.toString("latin1", 0, n);
}

/** Normalisers make different spellings of one identifier give one token. null = not a valid identifier. */
export const NORMALISERS = {
  "nhs-number": normaliseNhsNumber,
  /** Hospital numbers and codes: case and surrounding or inner spaces are not meaningful. */
  identifier: (raw: string): string | null => {
    const v = raw.replace(/\s/g, "").toUpperCase();
    return v.length > 0 ? v : null;
  },
  uuid: (raw: string): string | null => {
    const v = raw.trim().toLowerCase();
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) ? v : null;
  },
  text: (raw: string): string | null => {
    const v = raw.trim().replace(/\s+/g, " ").toLowerCase();
    return v.length > 0 ? v : null;
  },
} as const satisfies Record<string, (raw: string) => string | null>;

export type NormaliserName = keyof typeof NORMALISERS;

export function isNormaliserName(name: unknown): name is NormaliserName {
  return typeof name === "string" && Object.hasOwn(NORMALISERS, name);
}

export const TOKEN_PREFIX = /^[A-Z]{2,5}$/;

export interface Pseudonymiser {
  readonly keyId: string;
  /** Token for an already-normalised identifier. */
  token(prefix: string, normalised: string): string;
  /** A per-subject date offset in [-maxDays, -1] ∪ [1, maxDays]: never zero, so no date passes unchanged. */
  dateShiftDays(subjectToken: string, maxDays: number): number;
  /** Hits and misses over all kinds; `capacity` bounds each kind (each token prefix, each date-shift range). */
  cacheStats(): { hits: number; misses: number; size: number; capacity: number };
}

/**
 * A cache pays only when it hits often enough. A hit spares an HMAC and the token's formatting (about 2 µs); every
 * lookup costs up to two probes of tables too large for the CPU caches (under 1 µs), and every miss an insertion and
 * its share of the generations' garbage, so the break-even is near a quarter of lookups hitting. Over 100,000
 * records of 25,000 uniformly drawn patients, 2,048 entries per kind (about a tenth hitting) cost 2 µs per record
 * more than no cache at all. So each kind measures its hits over windows of `max(CACHE_WINDOW, 2 × capacity)`
 * lookups: after a window below MIN_HIT_SHARE the kind's cache is emptied and its values are computed directly for
 * BYPASS_WINDOWS windows, then the cache is tried again from empty. A record id (never repeated) is computed without
 * the cache after its first window, while a patient's tokens stay cached whenever patients recur. Only the cost
 * changes, never a token.
 */
export const CACHE_WINDOW = 4_096;
export const MIN_HIT_SHARE = 0.25;
export const BYPASS_WINDOWS = 16;

/**
 * The cached tokens of one prefix (or date shifts of one `maxDays`), keyed by the value alone, with the function
 * that computes a value of this kind when the cache does not hold it (or runs without it).
 */
class KindCache<K, V> {
  readonly lru: LruCache<V>;
  readonly #kind: K;
  readonly #compute: (kind: K, key: string) => V;
  readonly #window: number;
  #lookups = 0;
  #hits = 0;
  /** Lookups left to run without the cache (0: caching). */
  #uncachedLeft = 0;
  uncachedMisses = 0;

  constructor(capacity: number, kind: K, compute: (kind: K, key: string) => V) {
    this.lru = new LruCache<V>(capacity);
    this.#kind = kind;
    this.#compute = compute;
    this.#window = Math.max(CACHE_WINDOW, 2 * capacity);
  }

  lookup(key: string): V {
    if (this.#uncachedLeft > 0) {
      this.#uncachedLeft--;
      this.uncachedMisses++;
      return this.#compute(this.#kind, key);
    }
    let value = this.lru.get(key);
    if (value === undefined) {
      value = this.#compute(this.#kind, key);
      this.lru.set(key, value);
    } else this.#hits++;
    if (++this.#lookups === this.#window) {
      if (this.#hits < MIN_HIT_SHARE * this.#window) {
        this.#uncachedLeft = BYPASS_WINDOWS * this.#window;
        this.lru.clear();
      }
      this.#lookups = 0;
      this.#hits = 0;
    }
    return value;
  }
}

export function createPseudonymiser(keyring: Keyring, cacheSize: number): Pseudonymiser {
  const key = keyring.activeKey;
  const keyId = keyring.activeKeyId;
  const useCache = cacheSize > 0;
  // One cache per token prefix and one per date-shift range, keyed by the value itself: no key is built per
  // lookup, and a token string met again (the subject of a date shift) keeps the hash V8 stored in it.
  const tokenCaches = new Map<string, KindCache<string, string>>();
  const shiftCaches = new Map<number, KindCache<number, number>>();
  /** Every cache of either map, for the statistics. */
  const kinds: KindCache<unknown, unknown>[] = [];

  const mac = hmacSha256(key);

  function computeToken(prefix: string, normalised: string): string {
    return `${prefix}-${keyId}-${base32(mac(`${prefix}:${normalised}`), TOKEN_BODY_LENGTH)}`;
  }

  function computeShift(maxDays: number, subjectToken: string): number {
    const m = mac(`DATE-SHIFT:${subjectToken}`);
    // The MAC's first four bytes, big-endian, as an unsigned 32-bit number.
    const first =
      ((m.charCodeAt(0) << 24) | (m.charCodeAt(1) << 16) | (m.charCodeAt(2) << 8) | m.charCodeAt(3)) >>> 0;
    const n = first % (2 * maxDays);
    return n < maxDays ? -(n + 1) : n - maxDays + 1;
  }

  /** The cache of one kind, made on its first use. */
  function cacheOf<K, V>(
    caches: Map<K, KindCache<K, V>>,
    kind: K,
    compute: (kind: K, key: string) => V,
  ): KindCache<K, V> {
    let cache = caches.get(kind);
    if (cache === undefined) {
      cache = new KindCache(cacheSize, kind, compute);
      caches.set(kind, cache);
      kinds.push(cache as KindCache<unknown, unknown>);
    }
    return cache;
  }

  const stats = {
    get hits() {
      let n = 0;
      for (const c of kinds) n += c.lru.hits;
      return n;
    },
    get misses() {
      let n = 0;
      for (const c of kinds) n += c.lru.misses + c.uncachedMisses;
      return n;
    },
    get size() {
      let n = 0;
      for (const c of kinds) n += c.lru.size;
      return n;
    },
    capacity: cacheSize,
  };

  return {
    keyId,
    token(prefix, normalised) {
      if (!useCache) return computeToken(prefix, normalised);
      return cacheOf(tokenCaches, prefix, computeToken).lookup(normalised);
    },
    dateShiftDays(subjectToken, maxDays) {
      if (!useCache) return computeShift(maxDays, subjectToken);
      return cacheOf(shiftCaches, maxDays, computeShift).lookup(subjectToken);
    },
    // Read on the hot path (per-record counters): one object, no allocation; the figures are summed over the
    // kinds only when read.
    cacheStats: () => stats,
  };
}
