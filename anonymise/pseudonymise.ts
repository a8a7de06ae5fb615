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

function base32(bytes: Buffer, length: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
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
  cacheStats(): { hits: number; misses: number; size: number; capacity: number };
}

export function createPseudonymiser(keyring: Keyring, cacheSize: number): Pseudonymiser {
  const key = keyring.activeKey;
  const keyId = keyring.activeKeyId;
  const cache = new LruCache<string | number>(cacheSize);
  const useCache = cacheSize > 0;

  function mac(input: string): Buffer {
    return createHmac("sha256", key).update(input).digest();
  }

  function computeToken(prefix: string, normalised: string): string {
    return `${prefix}-${keyId}-${base32(mac(`${prefix}:${normalised}`), TOKEN_BODY_LENGTH)}`;
  }

  function computeShift(subjectToken: string, maxDays: number): number {
    const n = mac(`DATE-SHIFT:${subjectToken}`).readUInt32BE(0) % (2 * maxDays);
    return n < maxDays ? -(n + 1) : n - maxDays + 1;
  }

  return {
    keyId,
    token(prefix, normalised) {
      if (!useCache) return computeToken(prefix, normalised);
      const cacheKey = `${prefix}\u0000${normalised}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined) return hit as string;
      const token = computeToken(prefix, normalised);
      cache.set(cacheKey, token);
      return token;
    },
    dateShiftDays(subjectToken, maxDays) {
      if (!useCache) return computeShift(subjectToken, maxDays);
      const cacheKey = `\u0001${maxDays}\u0000${subjectToken}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined) return hit as number;
      const shift = computeShift(subjectToken, maxDays);
      cache.set(cacheKey, shift);
      return shift;
    },
    // Counting distinct entries walks the cache: `size` is computed only when read, so that the per-record
    // hit and miss counts stay cheap.
    cacheStats: () => ({
      hits: cache.hits,
      misses: cache.misses,
      get size() {
        return cache.size;
      },
      capacity: cacheSize,
    }),
  };
}
