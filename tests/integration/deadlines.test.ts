import { readFileSync } from "node:fs";
import avro from "avsc";
import pgPromise from "pg-promise";
import { afterAll, describe, expect, it } from "vitest";
import type { StoreBatch as SinkBatch } from "../../contracts/stores.ts";
import { loadSchema } from "../../schemas/load.ts";
import { RegistryClient } from "../../schemas/registry-client.ts";
import { migrate } from "../../sinks/migrate.ts";
import { PostgresStore } from "../../sinks/postgres-store.ts";
import { createDatabase, stack, uniqueName } from "../support/stack.ts";

const evolution = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../schemas/evolution/${file}`, import.meta.url), "utf8")) as object;

describe("the registry client on the real registry (it speaks the Confluent API itself, with deadlines)", () => {
  const registry = new RegistryClient(stack().SCHEMA_REGISTRY_URL);
  afterAll(() => registry.close());

  it("registers idempotently, looks up, fetches by id, and reports incompatible, unknown and unregistered", async () => {
    const subject = `${uniqueName("deadlines")}-value`;
    const v1 = loadSchema("patientRecord");
    const id = await registry.register(subject, v1);
    expect(await registry.register(subject, v1)).toBe(id);
    expect(await registry.idOf(subject, v1)).toBe(id);
    expect(await registry.writerSchema(id)).toEqual(
      avro.Type.forSchema(v1 as avro.Schema).schema({ exportAttrs: false }),
    );
    await expect(
      registry.register(subject, evolution("patient-record.v2-breaking.avsc")),
    ).rejects.toMatchObject({ code: "SCHEMA_INCOMPATIBLE", permanent: true });
    expect(await registry.register(subject, evolution("patient-record.v2.avsc"))).not.toBe(id);
    await expect(registry.idOf(`${uniqueName("absent")}-value`, v1)).rejects.toMatchObject({
      code: "SCHEMA_NOT_REGISTERED",
    });
    await expect(registry.writerSchema(2_000_000_000)).rejects.toMatchObject({ code: "SCHEMA_UNKNOWN_ID" });
    expect(await registry.ping()).toBe(true);
  });
});

describe("PostgreSQL statement deadline on the real server", () => {
  const pgp = pgPromise();
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("a commit stuck behind a lock past DB_STATEMENT_TIMEOUT_MS is cancelled by the server (DB_TIMEOUT, transient) and succeeds once the lock is gone", async () => {
    const url = await createDatabase("deadlines");
    const store = new PostgresStore(url, { deadlines: { statementMs: 1_000 } });
    cleanups.push(() => store.close());
    await migrate(store.db);
    const batch = (nextOffset: bigint): SinkBatch => ({
      consumerGroup: "deadlines",
      records: new Map(),
      offsets: [{ topic: "patient-records-raw", partition: 0, nextOffset }],
    });
    await store.commit(batch(5n));

    // Another session (a replica that lost the partition mid-commit, say) holds the offsets row.
    const holder = pgp(url);
    cleanups.push(() => holder.$pool.end());
    let stuck: unknown;
    await holder.tx(async (t) => {
      await t.one("SELECT 1 AS held FROM sink_offsets WHERE consumer_group = 'deadlines' FOR UPDATE");
      const started = Date.now();
      stuck = await store.commit(batch(10n)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(30_000);
    });
    expect(stuck).toMatchObject({ code: "DB_TIMEOUT", transient: true });
    expect((stuck as { cause?: { code?: string } }).cause?.code).toBe("57014");

    // The server cancelled the statement and kept the connection: the retry commits.
    expect(await store.commit(batch(10n))).toEqual({ written: 0, skipped: 0 });
    const row = await holder.one<{ next_offset: string }>(
      "SELECT next_offset FROM sink_offsets WHERE consumer_group = 'deadlines'",
    );
    expect(row.next_offset).toBe("10");
    expect(await store.ping()).toBe(true);
  });
});
