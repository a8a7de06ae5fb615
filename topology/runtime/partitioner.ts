/**
 * The partition of a keyed message, as the Java client's default partitioner picks it: the key's murmur2 hash
 * (Kafka's variant, seed 0x9747b28c), its sign bit cleared; the producer then takes it modulo the topic's
 * partition count. Consumers that partition by key the Kafka way (Kafka Streams, a join on the patient token) find
 * a key where they expect it. @platformatic/kafka's own compatibilityPartitioner gives the same numbers with BigInt
 * arithmetic, several allocations per message on the event loop; this one is 32-bit integer arithmetic.
 */
export function keyPartitioner(_message: unknown, key: Buffer | undefined): number {
  return Buffer.isBuffer(key) ? murmur2(key) & 0x7fffffff : 0;
}

const M = 0x5bd1e995;

/** Kafka's murmur2 of `data` (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= (data[whole + 2] as number) << 16;
    if (rest >= 2) h ^= (data[whole + 1] as number) << 8;
    h ^= data[whole] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
