import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { Consumer, Producer, stringDeserializers, stringSerializers } from "@platformatic/kafka";
import pgPromise from "pg-promise";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, createTopics, stack, uniqueName } from "../support/stack.ts";

/** Proves the stack is real: a transactional round trip on Kafka, a schema by id, a row in PostgreSQL. */
describe("local stack smoke test", () => {
  const pgp = pgPromise();
  const pools: Array<{ $pool: { end(): Promise<void> } }> = [];
  afterAll(async () => {
    for (const db of pools) await db.$pool.end();
  });

  it("produces in a Kafka transaction and a read_committed consumer sees only committed records", async () => {
    const topic = uniqueName("smoke");
    await createTopics([topic], 1);
    const bootstrapBrokers = stack().KAFKA_BOOTSTRAP_SERVERS.split(",");
    const producer = new Producer({
      clientId: "smoke-producer",
      bootstrapBrokers,
      idempotent: true,
      transactionalId: uniqueName("smoke-tx"),
      serializers: stringSerializers,
    });
    const consumer = new Consumer({
      clientId: "smoke-consumer",
      groupId: uniqueName("smoke-group"),
      bootstrapBrokers,
      deserializers: stringDeserializers,
    });
    try {
      const aborted = await producer.beginTransaction();
      await aborted.send({ messages: [{ topic, key: "k", value: "aborted" }] });
      await aborted.abort();
      const committed = await producer.beginTransaction();
      await committed.send({ messages: [{ topic, key: "k", value: "committed" }] });
      await committed.commit();

      const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false });
      const seen: string[] = [];
      for await (const message of stream) {
        seen.push(message.value);
        if (message.value === "committed") break;
      }
      await stream.close();
      expect(seen).toEqual(["committed"]);
    } finally {
      await consumer.close(true);
      await producer.close();
    }
  });

  it("registers an Avro schema with the registry and reads it back by id", async () => {
    const registry = new SchemaRegistry({ host: stack().SCHEMA_REGISTRY_URL });
    const subject = `${uniqueName("smoke")}-value`;
    const schema = {
      type: "record",
      name: "Smoke",
      namespace: "uk.nhs.anonymisation.test",
      fields: [{ name: "id", type: "string" }],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject },
    );
    expect(id).toBeGreaterThan(0);
    const encoded = await registry.encode(id, { id: "abc" });
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await registry.decode(encoded)).toEqual({ id: "abc" });
    const fetched = await registry.getSchema(id);
    expect(JSON.parse(JSON.stringify(fetched))).toMatchObject({ name: "uk.nhs.anonymisation.test.Smoke" });
  });

  it("writes and reads a row in PostgreSQL", async () => {
    const db = pgp(await createDatabase("smoke"));
    pools.push(db);
    await db.none("CREATE TABLE smoke (id int PRIMARY KEY, note text NOT NULL)");
    await db.none("INSERT INTO smoke (id, note) VALUES ($1, $2)", [1, "synthetic"]);
    expect(await db.one("SELECT id, note FROM smoke")).toEqual({ id: 1, note: "synthetic" });
    expect((await db.one<{ server_version: string }>("SHOW server_version")).server_version).toMatch(/^\d+/);
  });
});
