import { Admin, type ConnectionOptions, Consumer, Producer } from "@platformatic/kafka";
import type { ConsumerLike } from "./consumer-supervisor.ts";
import type { ProducerLike, StableOffsetReader } from "./kafka-committer.ts";
import { keyPartitioner } from "./partitioner.ts";

export interface RuntimeClients {
  createProducer(): ProducerLike;
  createConsumer(): ConsumerLike;
  readStableOffsets: StableOffsetReader;
  /** Offsets still to process per assigned partition of `consumer` (empty when nothing is assigned). */
  lag(consumer: ConsumerLike | undefined): Promise<Array<{ topic: string; partition: number; lag: bigint }>>;
  close(): Promise<void>;
}

export interface KafkaClientOptions {
  clientId: string;
  groupId: string;
  transactionalId: string;
  bootstrapBrokers: string[];
  connection?: ConnectionOptions;
  /** Passed through to @platformatic/kafka (`{ registry, client }` of prom-client) for the client's own metrics. */
  metrics?: ConstructorParameters<typeof Producer>[0]["metrics"];
  session?: { sessionTimeoutMs?: number; heartbeatIntervalMs?: number; rebalanceTimeoutMs?: number };
}

/** The runtime's clients on @platformatic/kafka: the transactional producer, the group consumer and an admin. */
export function platformaticClients(o: KafkaClientOptions): RuntimeClients {
  const common = {
    bootstrapBrokers: o.bootstrapBrokers,
    ...(o.connection ?? {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  };
  let admin: Admin | undefined;
  return {
    createProducer: () =>
      new Producer<Buffer, Buffer, string, Buffer>({
        ...common,
        clientId: `${o.clientId}-producer`,
        idempotent: true,
        transactionalId: o.transactionalId,
        // InitProducerId must say "new producer" (-1/-1). The client's default (0/0) makes the broker answer
        // PRODUCER_FENCED when this transactional id was used before, i.e. whenever a replica restarts.
        producerId: -1n,
        producerEpoch: -1,
        // A few quick client retries, then the committer's own loop (logged, with backoff, abortable) takes over.
        retries: 10,
        retryDelay: 20,
        acks: -1,
        partitioner: keyPartitioner,
        serializers: { headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key)) },
      }) as unknown as ProducerLike,
    createConsumer: () =>
      new Consumer<Buffer, Buffer, Buffer, Buffer>({
        ...common,
        clientId: `${o.clientId}-consumer`,
        groupId: o.groupId,
        autocommit: false,
        sessionTimeout: o.session?.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: o.session?.heartbeatIntervalMs ?? 3_000,
        rebalanceTimeout: o.session?.rebalanceTimeoutMs ?? 60_000,
      }) as unknown as ConsumerLike,
    // The group's committed offsets, read with require_stable: offsets of a transaction still committing are
    // waited for (the coordinator answers UNSTABLE_OFFSET_COMMIT, which is retried), never reported as absent.
    async readStableOffsets(topics) {
      admin ??= new Admin({ ...common, clientId: `${o.clientId}-admin`, retries: 3 });
      const groups = await admin.listConsumerGroupOffsets({
        groups: [
          {
            groupId: o.groupId,
            topics: topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
          },
        ],
        requireStable: true,
      });
      const out = new Map<string, bigint[]>();
      for (const group of groups) {
        for (const topic of group.topics) {
          const list = out.get(topic.name) ?? [];
          for (const p of topic.partitions) list[p.partitionIndex] = p.committedOffset;
          out.set(topic.name, list);
        }
      }
      return out;
    },
    // Between the end of each assigned partition (last stable offset, read_committed) and the group's position.
    async lag(consumerLike) {
      const consumer = consumerLike as Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
      const assignments = consumer?.assignments ?? [];
      if (!consumer || assignments.length === 0) return [];
      const [ends, committed] = await Promise.all([
        consumer.listOffsets({ topics: assignments.map((a) => a.topic), isolationLevel: 1 }),
        consumer.listCommittedOffsets({ topics: assignments }),
      ]);
      const out: Array<{ topic: string; partition: number; lag: bigint }> = [];
      for (const { topic, partitions } of assignments) {
        for (const partition of partitions) {
          const end = ends.get(topic)?.[partition];
          const position = committed.get(topic)?.[partition];
          if (end === undefined) continue;
          // No committed offset yet (-1): everything up to the end is still to do.
          const from = position === undefined || position < 0n ? 0n : position;
          out.push({ topic, partition, lag: end > from ? end - from : 0n });
        }
      }
      return out;
    },
    async close() {
      await admin?.close().catch(() => undefined);
    },
  };
}
