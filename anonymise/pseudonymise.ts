import { createHmac } from "node:crypto";
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
 * A kind of token whose first lookups all missed holds values that never repeat (a record's own id): caching it
 * would only cost a look-up, an insertion and evictions of tokens that do repeat. After this many lookups without
 * a hit, that kind is computed without the cache. Only the cost changes, never a token.
 */
export const UNIQUE_AFTER_LOOKUPS = 4_096;

/**
 * The cached tokens of one prefix (or date shifts of one `maxDays`), keyed by the value alone. Its cache counts
 * the hits and misses; a look-up of a kind no longer cached is a miss counted here.
 */
class KindCache<V> {
  readonly lru: LruCache<V>;
  /** False once the kind is known not to repeat. */
  caching = true;
  uncachedMisses = 0;

  constructor(capacity: number) {
    this.lru = new LruCache<V>(capacity);
  }

  get(key: string): V | undefined {
    if (!this.caching) {
      this.uncachedMisses++;
      return undefined;
    }
    const hit = this.lru.get(key);
    if (hit === undefined && this.lru.hits === 0 && this.lru.misses >= UNIQUE_AFTER_LOOKUPS) {
      this.caching = false;
      this.lru.clear();
    }
    return hit;
  }

  set(key: string, value: V): V {
    if (this.caching) this.lru.set(key, value);
    return value;
  }
}

export function createPseudonymiser(keyring: Keyring, cacheSize: number): Pseudonymiser {
  const key = keyring.activeKey;
  const keyId = keyring.activeKeyId;
  const useCache = cacheSize > 0;
  // One cache per token prefix and one per date-shift range, keyed by the value itself: no key is built per
  // lookup, and a token string met again (the subject of a date shift) keeps the hash V8 stored in it.
  const tokenCaches = new Map<string, KindCache<string>>();
  const shiftCaches = new Map<number, KindCache<number>>();
  /** Every cache of either map, for the statistics. */
  const kinds: KindCache<unknown>[] = [];

  function mac(input: string): string {
    return createHmac("sha256", key).update(input).digest("binary");
  }

  function computeToken(prefix: string, normalised: string): string {
    return `${prefix}-${keyId}-${base32(mac(`${prefix}:${normalised}`), TOKEN_BODY_LENGTH)}`;
  }

  function computeShift(subjectToken: string, maxDays: number): number {
    const m = mac(`DATE-SHIFT:${subjectToken}`);
    // The MAC's first four bytes, big-endian, as an unsigned 32-bit number.
    const first =
      ((m.charCodeAt(0) << 24) | (m.charCodeAt(1) << 16) | (m.charCodeAt(2) << 8) | m.charCodeAt(3)) >>> 0;
    const n = first % (2 * maxDays);
    return n < maxDays ? -(n + 1) : n - maxDays + 1;
  }

  function cacheOf<K, V>(caches: Map<K, KindCache<V>>, kind: K): KindCache<V> {
    let cache = caches.get(kind);
    if (cache === undefined) {
      cache = new KindCache<V>(cacheSize);
      caches.set(kind, cache);
      kinds.push(cache as KindCache<unknown>);
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
      const cache = cacheOf(tokenCaches, prefix);
      return cache.get(normalised) ?? cache.set(normalised, computeToken(prefix, normalised));
    },
    dateShiftDays(subjectToken, maxDays) {
      if (!useCache) return computeShift(subjectToken, maxDays);
      const cache = cacheOf(shiftCaches, maxDays);
      return cache.get(subjectToken) ?? cache.set(subjectToken, computeShift(subjectToken, maxDays));
    },
    // Read on the hot path (per-record counters): one object, no allocation; the figures are summed over the
    // kinds only when read.
    cacheStats: () => stats,
  };
}
