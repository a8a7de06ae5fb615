import { Consumer, type Message, Producer } from "@platformatic/kafka";
import {
  KAFKA_DEADLINES,
  type KafkaDeadlines,
  kafkaCommandError,
  kafkaDeadlineOptions,
  operationDeadlineMs,
  withKafkaDeadline,
} from "../ops/kafka-admin.ts";
import { keyPartitioner } from "../topology/runtime/partitioner.ts";

export interface ReplayOptions {
  bootstrap: string[];
  deadLetterTopic: string;
  rawTopic: string;
  /** Only dead letters with this reason code (errors.reason header); others are passed over. */
  reason?: string;
  /** Count what would be replayed, produce nothing, commit nothing. */
  dryRun?: boolean;
  /** The replay's own consumer group: its committed position is what makes a second run a no-op. */
  group?: string;
  idleMs?: number;
  /** Deadlines of every broker request (defaults: KAFKA_DEADLINES). */
  deadlines?: Partial<KafkaDeadlines>;
}

export interface ReplayResult {
  read: number;
  replayed: number;
  byReason: Record<string, number>;
}

const header = (m: Message<Buffer, Buffer, Buffer, Buffer>, name: string) => {
  for (const [k, v] of m.headers) if (k.toString() === name) return v.toString();
  return undefined;
};

/**
 * Re-injects dead-lettered records (their original bytes) into the raw topic after a fix, exactly once: the reads
 * from the dead-letter topic are committed in the same Kafka transaction as the writes to the raw topic, under a
 * consumer group of the replay's own (one per reason filter). Running it again replays only what arrived since.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const group = options.group ?? `dlq-replay-${options.reason ?? "all"}`;
  const deadlines = { ...KAFKA_DEADLINES, ...options.deadlines };
  const deadlineMs = operationDeadlineMs(deadlines);
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    clientId: "dlq-replay",
    groupId: group,
    bootstrapBrokers: options.bootstrap,
    autocommit: false,
    ...kafkaDeadlineOptions(deadlines),
    // A one-member group: joining it must be answered within one request deadline (the broker waits up to the
    // rebalance timeout for members of an earlier run that died; the broker's minimum session is 6 s), and a fetch
    // must come back before the request deadline.
    sessionTimeout: Math.max(6_000, deadlines.requestMs - 1_000),
    rebalanceTimeout: Math.max(6_000, deadlines.requestMs - 1_000),
    heartbeatInterval: 1_000,
    maxWaitTime: Math.min(5_000, Math.floor(deadlines.requestMs / 2)),
  });
  const producer = new Producer<Buffer, Buffer, string, Buffer>({
    clientId: "dlq-replay",
    bootstrapBrokers: options.bootstrap,
    idempotent: true,
    transactionalId: `${group}-replayer`,
    producerId: -1n,
    producerEpoch: -1,
    partitioner: keyPartitioner,
    serializers: { headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key)) },
    ...kafkaDeadlineOptions(deadlines),
  });
  // A background rejoin that fails is emitted as an "error" event, which would otherwise end the process with a
  // stack trace; the replay's own calls fail within their deadlines and report the coded error instead.
  consumer.on("error", () => undefined);
  const closeBoth = () => Promise.all([consumer.close(true), producer.close()]);
  const result: ReplayResult = { read: 0, replayed: 0, byReason: {} };
  try {
    const stream = await withKafkaDeadline("joining the replay group", deadlineMs, closeBoth, () =>
      consumer.consume({
        topics: [options.deadLetterTopic],
        mode: "committed",
        fallbackMode: "earliest",
        autocommit: false,
      }),
    );
    const batch: Array<Message<Buffer, Buffer, Buffer, Buffer>> = [];
    const flush = async () => {
      if (batch.length === 0 || options.dryRun) {
        batch.length = 0;
        return;
      }
      // One transaction is a handful of requests (begin, send, add the group, add offsets, commit).
      await withKafkaDeadline("committing a replay transaction", 3 * deadlineMs, closeBoth, () =>
        replayBatch(batch),
      );
      batch.length = 0;
    };
    const replayBatch = async (records: Array<Message<Buffer, Buffer, Buffer, Buffer>>) => {
      const messages = records
        .filter((m) => !options.reason || header(m, "errors.reason") === options.reason)
        .map((m) => ({
          topic: options.rawTopic,
          key: m.key ?? undefined,
          value: m.value,
          headers: new Map<string, Buffer>([
            [
              "replay.of",
              Buffer.from(
                `${header(m, "errors.topic")}/${header(m, "errors.partition")}/${header(m, "errors.offset")}`,
              ),
            ],
            ["replay.reason", Buffer.from(header(m, "errors.reason") ?? "UNKNOWN")],
          ]),
        }));
      const tx = await producer.beginTransaction();
      try {
        if (messages.length > 0) await tx.send({ messages });
        await tx.addConsumer(consumer);
        const last = new Map<number, Message<Buffer, Buffer, Buffer, Buffer>>();
        for (const m of records) last.set(m.partition, m);
        for (const m of last.values()) await tx.addOffset(m);
        await tx.commit();
      } catch (error) {
        await tx.abort().catch(() => undefined);
        throw error;
      }
      result.replayed += messages.length;
    };
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => void stream.close(), options.idleMs ?? 3_000);
    };
    armIdle();
    try {
      for await (const message of stream) {
        armIdle();
        result.read++;
        const reason = header(message, "errors.reason") ?? "UNKNOWN";
        if (!options.reason || options.reason === reason)
          result.byReason[reason] = (result.byReason[reason] ?? 0) + 1;
        batch.push(message);
        if (batch.length >= 500) await flush();
      }
    } catch (error) {
      throw kafkaCommandError(error, "reading dead letters");
    } finally {
      if (idle) clearTimeout(idle);
    }
    await flush();
    if (options.dryRun) result.replayed = 0;
  } finally {
    // Leaving the group and closing the producer are requests too: bounded, and their failure changes nothing.
    await withKafkaDeadline("closing the replay clients", deadlineMs, async () => undefined, closeBoth).catch(
      () => undefined,
    );
  }
  return result;
}
