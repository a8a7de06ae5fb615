/**
 * The Kafka-only baseline: the same @platformatic/kafka client and options as topology/runtime/kafka-runtime.ts,
 * consuming the raw topic and producing every record unchanged (same key, same partition) to another topic, with the
 * same size/time batching, the same one-batch-in-flight backpressure and, when BENCH_TRANSACTIONAL=1, the same
 * transaction per batch (send + consumed offsets + commit). With BENCH_TRANSACTIONAL=0 it sends with an idempotent
 * producer and then commits the offsets through the group (at least once). No decode, anonymise, encode or database.
 * Environment: KAFKA_BOOTSTRAP_SERVERS, SOURCE_TOPIC, TARGET_TOPIC, CONSUMER_GROUP, BATCH_MAX_RECORDS, BATCH_MAX_MS,
 * BENCH_TRANSACTIONAL, BENCH_EXPECTED.
 */
import { Consumer, compatibilityPartitioner, type Message, Producer } from "@platformatic/kafka";

/** CPU time of this process, every thread (worker threads included), in microseconds. */
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;
const env = process.env;
const bootstrapBrokers = env["KAFKA_BOOTSTRAP_SERVERS"]!.split(",");
const target = env["TARGET_TOPIC"]!;
const maxRecords = Number(env["BATCH_MAX_RECORDS"] ?? 1000);
const maxMs = Number(env["BATCH_MAX_MS"] ?? 200);
const transactional = env["BENCH_TRANSACTIONAL"] !== "0";
const expected = Number(env["BENCH_EXPECTED"] ?? 0);
const send = (message: Record<string, unknown>) => process.send?.(message);

const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
  clientId: "bench-passthrough-producer",
  bootstrapBrokers,
  idempotent: true,
  ...(transactional
    ? { transactionalId: `${env["CONSUMER_GROUP"]}-tx`, producerId: -1n, producerEpoch: -1 }
    : {}),
  acks: -1,
  partitioner: compatibilityPartitioner,
  // The client retries CONCURRENT_TRANSACTIONS after retryDelay: the pipeline's producer settings (20 ms, 10
  // retries) unless an experiment sets another delay.
  ...(env["BENCH_RETRY_DELAY_MS"]
    ? { retryDelay: Number(env["BENCH_RETRY_DELAY_MS"]), retries: 50 }
    : { retryDelay: 20, retries: 10 }),
});
const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
  clientId: "bench-passthrough-consumer",
  bootstrapBrokers,
  groupId: env["CONSUMER_GROUP"]!,
  autocommit: false,
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
  rebalanceTimeout: 60_000,
});

let pending: RawMessage[] = [];
const queue: RawMessage[][] = [];
let timer: NodeJS.Timeout | undefined;
let draining: Promise<void> | undefined;
let paused = false;
let committed = 0;
let doneSent = false;
let markSent = false;
const phase = { sendMs: 0, commitMs: 0, batches: 0 };

const stream = await consumer.consume({
  topics: [env["SOURCE_TOPIC"]!],
  mode: "committed",
  fallbackMode: "earliest",
  autocommit: false,
  maxWaitTime: 200,
});
send({ type: "started", at: Date.now(), cpuMicros: cpuMicros() });

function seal(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (pending.length === 0) return;
  queue.push(pending);
  pending = [];
  if (draining && !paused) {
    paused = true;
    stream.pause();
  }
  draining ??= drain().finally(() => {
    draining = undefined;
    if (paused) {
      paused = false;
      stream.resume();
    }
  });
}

async function drain(): Promise<void> {
  while (queue.length > 0) await flush(queue.shift()!);
}

/**
 * Produce requests of at most ~512 KB: one request holding a whole batch can exceed the broker's message.max.bytes
 * (1 MB per partition by default) at 5,000 records of ~1 KB. The transaction boundary is unchanged.
 */
function chunks<T extends { value: Buffer }>(messages: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (bytes + m.value.length > 512_000 && current.length > 0) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += m.value.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function flush(batch: RawMessage[]): Promise<void> {
  const messages = batch.map((m) => ({ topic: target, partition: m.partition, key: m.key, value: m.value }));
  const last = new Map<string, RawMessage>();
  for (const m of batch) last.set(`${m.topic}:${m.partition}`, m);
  const t0 = performance.now();
  if (transactional) {
    const transaction = await producer.beginTransaction();
    for (const part of chunks(messages)) await transaction.send({ messages: part });
    const t1 = performance.now();
    await transaction.addConsumer(consumer);
    for (const m of last.values()) await transaction.addOffset(m);
    await transaction.commit();
    phase.sendMs += t1 - t0;
    phase.commitMs += performance.now() - t1;
  } else {
    for (const part of chunks(messages)) await producer.send({ messages: part });
    const t1 = performance.now();
    await Promise.all([...last.values()].map((m) => m.commit()));
    phase.sendMs += t1 - t0;
    phase.commitMs += performance.now() - t1;
  }
  phase.batches++;
  committed += batch.length;
  // The steady-state window starts once a fifth of the records are in (as in the pipeline child).
  if (!markSent && expected > 0 && committed >= expected * 0.2) {
    markSent = true;
    send({ type: "mark", at: Date.now(), committed, cpuMicros: cpuMicros() });
  }
  if (!doneSent && expected > 0 && committed >= expected) {
    doneSent = true;
    send({ type: "done", at: Date.now(), committed, cpuMicros: cpuMicros() });
  }
}

stream.on("data", (message: RawMessage) => {
  pending.push(message);
  if (pending.length >= maxRecords) seal();
  else if (!timer) timer = setTimeout(seal, maxMs);
});
stream.on("error", (error: Error) => {
  send({ type: "failed", error: String(error) });
  process.exit(1);
});

process.on("message", async (message: { type: string }) => {
  if (message.type === "stop" || message.type === "report") {
    const final = {
      type: message.type === "stop" ? "stopped" : "report",
      totals: { committed, ...phase },
      rssMb: process.memoryUsage().rss / 2 ** 20,
    };
    if (message.type === "report") return void send(final);
    stream.pause();
    seal();
    await draining;
    await stream.close().catch(() => undefined);
    await consumer.close(true).catch(() => undefined);
    await producer.close(true).catch(() => undefined);
    send(final);
    setTimeout(() => process.exit(0), 100);
  }
});
