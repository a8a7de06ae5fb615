import { compatibilityPartitioner, Producer } from "@platformatic/kafka";
import {
  KAFKA_DEADLINES,
  type KafkaDeadlines,
  kafkaDeadlineOptions,
  operationDeadlineMs,
  withKafkaDeadline,
} from "../../ops/kafka-admin.ts";
import { AvroEncoder } from "../../schemas/avro-codec.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadSchema } from "../../schemas/load.ts";
import { RegistryClient, type RegistryDeadlines } from "../../schemas/registry-client.ts";
import { valueSubject } from "../../schemas/subjects.ts";
import type { PatientRecordJson } from "../synthetic/index.ts";

/**
 * Encodes raw-contract records (JSON form) in the registry wire format and produces them to the raw topic, keyed by
 * the local patient id so that one patient's events stay in order on one partition.
 */
export class RawRecordProducer {
  readonly #producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  readonly #encoder: AvroEncoder;
  readonly #deadlineMs: number;
  readonly topic: string;

  private constructor(
    producer: Producer<Buffer, Buffer, Buffer, Buffer>,
    encoder: AvroEncoder,
    topic: string,
    deadlineMs: number,
  ) {
    this.#producer = producer;
    this.#encoder = encoder;
    this.topic = topic;
    this.#deadlineMs = deadlineMs;
  }

  /**
   * Looks up the raw contract's id (registry deadlines), then a producer whose every request has a deadline
   * (Kafka deadlines): a registry or broker that does not answer ends the call with a coded error.
   */
  static async create(options: {
    bootstrap: string[];
    registryUrl: string;
    topic: string;
    registryDeadlines?: Partial<RegistryDeadlines>;
    kafkaDeadlines?: Partial<KafkaDeadlines>;
  }): Promise<RawRecordProducer> {
    const schema = loadSchema("patientRecord");
    const registry = new RegistryClient(
      options.registryUrl,
      options.registryDeadlines ? { deadlines: options.registryDeadlines } : {},
    );
    let id: number;
    try {
      id = await registry.idOf(valueSubject(options.topic), schema);
    } finally {
      registry.close();
    }
    const deadlines = { ...KAFKA_DEADLINES, ...options.kafkaDeadlines };
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
      clientId: "synthetic-producer",
      bootstrapBrokers: options.bootstrap,
      idempotent: true,
      acks: -1,
      partitioner: compatibilityPartitioner,
      ...kafkaDeadlineOptions(deadlines),
    });
    return new RawRecordProducer(
      producer,
      new AvroEncoder(schema, id),
      options.topic,
      operationDeadlineMs(deadlines),
    );
  }

  get schemaId(): number {
    return this.#encoder.schemaId;
  }

  /** Wire-format bytes of one record (JSON form). Throws with the field name if it does not fit the contract. */
  encode(record: PatientRecordJson): Buffer {
    const converted = fromJsonForm(loadSchemaCached(), record);
    if (!converted.ok)
      throw new Error(`record does not fit the contract (${converted.code} ${converted.field ?? ""})`);
    return this.#encoder.encode(converted.value);
  }

  async sendRaw(messages: Array<{ key?: Buffer; value: Buffer; timestamp?: bigint }>): Promise<void> {
    if (messages.length === 0) return;
    await withKafkaDeadline(
      `producing to ${this.topic}`,
      this.#deadlineMs,
      () => this.#producer.close(),
      () => this.#producer.send({ messages: messages.map((m) => ({ topic: this.topic, ...m })) }),
    );
  }

  async send(records: PatientRecordJson[]): Promise<void> {
    await this.sendRaw(records.map((r) => ({ key: Buffer.from(r.patient_id), value: this.encode(r) })));
  }

  /** Closes the producer; a broker that does not answer cannot hold this past the deadline. */
  async close(): Promise<void> {
    await withKafkaDeadline(
      `closing the producer`,
      this.#deadlineMs,
      async () => undefined,
      () => this.#producer.close(),
    ).catch(() => undefined);
  }
}

let cachedSchema: ReturnType<typeof loadSchema> | undefined;
function loadSchemaCached() {
  cachedSchema ??= loadSchema("patientRecord");
  return cachedSchema;
}
