import { describe, expect, it } from "vitest";
import type { Anonymiser } from "../../anonymise/index.ts";
import type { PatientRecordJson } from "../../dev/synthetic/index.ts";
import { AvroDecoder, AvroEncoder } from "../../schemas/avro-codec.ts";
import { SchemaError } from "../../schemas/errors.ts";
import { TopologyFailedError } from "../../topology/dsl/errors.ts";
import {
  buildPatientTopology,
  outcomeCounters,
  PATIENT_STORES,
} from "../../topology/patient/patient-topology.ts";
import { DLQ_HEADERS } from "../../topology/runtime/dead-letter.ts";
import { failOnError } from "../../topology/runtime/handlers.ts";
import { TopologyTestDriver } from "../../topology/runtime/test-driver.ts";
import { anonymisedSchema, anonymiser, rawSchema, sampleJson, toAvro } from "../anonymise/helpers.ts";
import { headerText } from "./helpers.ts";

const RAW = "patient-records-raw";
const ANON = "patient-records-anonymised";
const DLQ = "patient-records-dlq";

/** Identifying values of sampleJson() that must never leave the raw side. */
const IDENTIFIERS = ["Margaret", "Thornton", "943 476 5919", "9434765919", "RX11234567", "12 Church Road"];

/**
 * Stub codecs: the raw "wire" form is the JSON form of a patient record (decoded with the schema's own JSON mapping),
 * the output is JSON. A value starting with "!" makes decode throw the error named after it.
 */
function decode(data: Buffer): unknown {
  const text = data.toString("utf8");
  if (text === "!permanent") throw new SchemaError("AVRO_TRAILING_BYTES", "3 bytes follow the record body");
  if (text === "!transient") {
    throw new SchemaError("REGISTRY_UNAVAILABLE", "registry answered 503", { transient: true });
  }
  return toAvro(JSON.parse(text) as PatientRecordJson);
}
const rawSerde = {
  deserialize: decode,
  serialize: () => {
    throw new Error("decode only");
  },
};
const jsonOut = {
  serialize: (value: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: () => ({}),
};

/** The outcome of each record, from the topology's outcome counters. */
function patientTopology(options: { strategy?: "pseudonymisation" | "redaction" } = {}) {
  const results: string[] = [];
  const topology = buildPatientTopology({
    rawTopic: RAW,
    anonymisedTopic: ANON,
    rawSerde,
    anonymisedSerde: jsonOut,
    anonymiser: anonymiser(options.strategy),
    count: (key) => {
      if (key.startsWith("outcome:")) results.push(key.slice("outcome:".length));
    },
  });
  return { topology, results };
}

function driverFor(options: { strategy?: "pseudonymisation" | "redaction" } = {}) {
  const { topology, results } = patientTopology(options);
  const driver = new TopologyTestDriver(topology, {
    deadLetterTopic: DLQ,
    deadLetterStore: PATIENT_STORES.deadLetters,
  });
  return { driver, results };
}

const raw = (overrides: Partial<PatientRecordJson> = {}) =>
  Buffer.from(JSON.stringify(sampleJson(overrides)));

/** Everything the driver holds, drained: lets each test assert "and nothing else". */
function drain(driver: TopologyTestDriver) {
  return {
    topic: driver.readOutput(ANON),
    dlq: driver.readOutput(DLQ),
    anonymised: driver.readStore(PATIENT_STORES.anonymised),
    withheld: driver.readStore(PATIENT_STORES.withheld),
    deadLetters: driver.readStore(PATIENT_STORES.deadLetters),
  };
}

describe("patient topology", () => {
  it("describes its graph (snapshot: a change to the routing must be a deliberate one)", () => {
    const { topology } = patientTopology();
    expect(topology.describe()).toMatchInlineSnapshot(`
      "Topology:
        Source: decode-patient-record (topics: [patient-records-raw])
          --> anonymise
        Processor: anonymise (mapValues)
          --> route
          <-- decode-patient-record
        Processor: route (split, first match wins: route-withheld, route-failed, route-anonymised [default])
          --> route-withheld, route-failed, route-anonymised
          <-- anonymise
        Processor: route-withheld (branch)
          --> withheld-reason
          <-- route
        Processor: route-failed (branch)
          --> anonymise-failed
          <-- route
        Processor: route-anonymised (branch)
          --> unwrap-anonymised
          <-- route
        Processor: withheld-reason (mapValues)
          --> withheld-store
          <-- route-withheld
        Sink: withheld-store (store: withheld)
          <-- withheld-reason
        Sink: anonymise-failed (dead-letter)
          <-- route-failed
        Processor: unwrap-anonymised (map)
          --> to-anonymised-topic, to-research-database
          <-- route-anonymised
        Sink: to-anonymised-topic (topic: patient-records-anonymised)
          <-- unwrap-anonymised
        Sink: to-research-database (store: anonymised)
          <-- unwrap-anonymised
      "
    `);
  });

  it("reads the raw topic and writes the anonymised topic and the three stores", () => {
    const { topology } = patientTopology();
    expect(topology.sourceTopics).toEqual([RAW]);
    expect(topology.sinkTopics).toEqual([ANON]);
    expect(topology.stores.sort()).toEqual([PATIENT_STORES.anonymised, PATIENT_STORES.withheld].sort());
    expect(topology.hasDeadLetters).toBe(true);
  });

  it("a consenting record → one anonymised message keyed by the patient token, and one store record", async () => {
    const { driver, results } = driverFor();
    await driver.pipeInput(RAW, raw(), { partition: 4, timestamp: 1_740_821_400_000n });
    const out = drain(driver);

    expect(out.topic).toHaveLength(1);
    expect(out.anonymised).toHaveLength(1);
    expect(out.withheld).toEqual([]);
    expect(out.dlq).toEqual([]);
    expect(out.deadLetters).toEqual([]);
    expect(results).toEqual(["anonymised"]);

    const message = out.topic[0];
    const value = JSON.parse(message?.value.toString() ?? "") as Record<string, unknown>;
    expect(value["patient_id"]).toMatch(/^PAT-k1-/);
    expect(message?.key?.toString()).toBe(value["patient_id"]);
    expect(message?.headers).toBeUndefined();
    expect(Object.keys(value).sort()).toEqual(anonymisedSchema.fields.map((f) => f.name).sort());
    for (const identifier of IDENTIFIERS) expect(message?.value.toString()).not.toContain(identifier);

    const stored = out.anonymised[0];
    expect(stored?.value).toEqual(value);
    expect(stored).toMatchObject({ topic: RAW, partition: 4, offset: 0n, timestamp: 1_740_821_400_000n });
  });

  it("keys by the record token under the redaction strategy (patient ids are all [REDACTED])", async () => {
    const { driver } = driverFor({ strategy: "redaction" });
    await driver.pipeInput(RAW, raw());
    const [message] = driver.readOutput(ANON);
    const value = JSON.parse(message?.value.toString() ?? "") as Record<string, unknown>;
    expect(value["patient_id"]).toBe("[REDACTED]");
    expect(message?.key?.toString()).toBe(value["record_id"]);
    expect(message?.key?.toString()).not.toBe("[REDACTED]");
  });

  it.each([
    { case: "opted out", optOut: true, reason: "OPTED_OUT" },
    { case: "consent missing (null)", optOut: null, reason: "CONSENT_MISSING" },
  ])("$case → withheld store only, nothing on the topic", async ({ optOut, reason }) => {
    const { driver, results } = driverFor();
    await driver.pipeInput(RAW, raw({ national_data_opt_out: optOut }), { partition: 1 });
    const out = drain(driver);
    expect(out.withheld).toEqual([
      {
        key: undefined,
        value: { reason },
        topic: RAW,
        partition: 1,
        offset: 0n,
        timestamp: expect.any(BigInt),
      },
    ]);
    expect(out.topic).toEqual([]);
    expect(out.anonymised).toEqual([]);
    expect(out.dlq).toEqual([]);
    expect(out.deadLetters).toEqual([]);
    expect(results).toEqual(["withheld"]);
  });

  it("a record the engine refuses → dead letter with ANON_VALUE_INVALID and the field name, and nothing else", async () => {
    const { driver, results } = driverFor();
    const input = raw({ gender: "not-a-gender-code" });
    await driver.pipeInput(RAW, input, { key: Buffer.from("source-key") });
    const out = drain(driver);

    expect(out.topic).toEqual([]);
    expect(out.anonymised).toEqual([]);
    expect(out.withheld).toEqual([]);
    expect(results).toEqual(["failed"]);

    expect(out.dlq).toHaveLength(1);
    const dead = out.dlq[0];
    expect(dead?.value).toEqual(input);
    expect(dead?.key).toEqual(Buffer.from("source-key"));
    const headers = headerText(dead?.headers);
    expect(headers).toMatchObject({
      [DLQ_HEADERS.reason]: "ANON_VALUE_INVALID",
      [DLQ_HEADERS.exception]: "AnonymisationFailure",
      [DLQ_HEADERS.node]: "anonymise-failed",
      [DLQ_HEADERS.topic]: RAW,
      [DLQ_HEADERS.offset]: "0",
      "errors.field": "gender",
    });
    expect(JSON.stringify(headers)).not.toContain("not-a-gender-code");

    expect(out.deadLetters.map((r) => r.value)).toEqual([
      expect.objectContaining({
        reasonCode: "ANON_VALUE_INVALID",
        node: "anonymise-failed",
        extra: { field: "gender" },
        message: "anonymisation refused the record (ANON_VALUE_INVALID on field gender)",
      }),
    ]);
  });

  it("a permanent decode error → dead letter with its code, and nothing else", async () => {
    const { driver, results } = driverFor();
    await driver.pipeInput(RAW, Buffer.from("!permanent"));
    const out = drain(driver);
    expect(out.dlq.map((m) => headerText(m.headers)[DLQ_HEADERS.reason])).toEqual(["AVRO_TRAILING_BYTES"]);
    expect(out.dlq[0]?.value).toEqual(Buffer.from("!permanent"));
    expect(out.deadLetters.map((r) => r.value)).toEqual([
      expect.objectContaining({ reasonCode: "AVRO_TRAILING_BYTES", exception: "SchemaError" }),
    ]);
    expect(out.topic).toEqual([]);
    expect(out.anonymised).toEqual([]);
    expect(out.withheld).toEqual([]);
    expect(results).toEqual([]);
  });

  it("a transient decode error is not dead-lettered: it is thrown for the runtime to retry", async () => {
    const { driver } = driverFor();
    await expect(driver.pipeInput(RAW, Buffer.from("!transient"))).rejects.toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      transient: true,
    });
    const out = drain(driver);
    expect(out).toEqual({ topic: [], dlq: [], anonymised: [], withheld: [], deadLetters: [] });
  });

  it("stops rather than skip a refused record when the handlers answer FAIL", async () => {
    const { topology } = patientTopology();
    const driver = new TopologyTestDriver(topology, {
      deadLetterTopic: DLQ,
      deadLetterStore: PATIENT_STORES.deadLetters,
      handlers: failOnError,
    });
    await expect(driver.pipeInput(RAW, Buffer.from("!permanent"))).rejects.toBeInstanceOf(
      TopologyFailedError,
    );
    expect(drain(driver).dlq).toEqual([]);
  });

  it("routes a mixed stream record by record, keeping offsets", async () => {
    const { driver } = driverFor();
    await driver.pipeInput(RAW, raw());
    await driver.pipeInput(RAW, raw({ national_data_opt_out: true }));
    await driver.pipeInput(RAW, raw({ gender: "not-a-gender-code" }));
    await driver.pipeInput(RAW, raw({ record_id: "0b7f3a52-9c1e-4a8b-8f2d-3e4c5b6a7d8e" }));
    const out = drain(driver);
    expect(out.anonymised.map((r) => r.offset)).toEqual([0n, 3n]);
    expect(out.withheld.map((r) => r.offset)).toEqual([1n]);
    expect(out.deadLetters.map((r) => r.offset)).toEqual([2n]);
    expect(out.topic).toHaveLength(2);
    // Same patient, so same key: the two events stay in order on one partition downstream.
    expect(out.topic[0]?.key).toEqual(out.topic[1]?.key);
  });

  it("works with the real wire codec: Avro in, Avro out, fitting the anonymised schema", async () => {
    const registry = { writerSchema: async (id: number) => (id === 1 ? rawSchema : Promise.reject(id)) };
    const decoder = new AvroDecoder({ registry, readerSchema: rawSchema, maxRecordBytes: 1_048_576 });
    const encoder = new AvroEncoder(anonymisedSchema, 2);
    const engine = anonymiser();
    const topology = buildPatientTopology({
      rawTopic: RAW,
      anonymisedTopic: ANON,
      rawSerde: decoder,
      anonymisedSerde: encoder,
      anonymiser: engine,
    });
    const driver = new TopologyTestDriver(topology, { deadLetterTopic: DLQ });
    const wire = new AvroEncoder(rawSchema, 1).encode(toAvro(sampleJson()));
    await driver.pipeInput(RAW, wire); // first record: schema fetched asynchronously
    await driver.pipeInput(RAW, wire); // then synchronously
    const messages = driver.readOutput(ANON);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.value.readInt32BE(1)).toBe(2);
    expect(messages[0]?.value).toEqual(messages[1]?.value);
    const text = messages[0]?.value.toString("latin1") ?? "";
    for (const identifier of IDENTIFIERS) expect(text).not.toContain(identifier);
    expect(driver.readOutput(DLQ)).toEqual([]);
  });
});

describe("outcomeCounters", () => {
  it("counts each outcome, each free-text replacement that happened, and the token cache's hits and misses", () => {
    const stats = { hits: 10, misses: 4, size: 0, capacity: 100 };
    const engine = { tokenCacheStats: () => stats } as unknown as Anonymiser;
    const counted: Array<[string, number]> = [];
    const report = outcomeCounters(engine, (key, n = 1) => counted.push([key, n]));
    const audit = { operations: [], replacements: { NAME: 2, EMAIL: 0, DATE: 1 } };
    stats.hits = 12;
    report({ kind: "anonymised", value: {}, audit });
    stats.misses = 5;
    report({ kind: "failed", code: "ANON_VALUE_INVALID", field: "nhs_number" });
    report({ kind: "withheld", reason: "OPTED_OUT" });
    report({ kind: "anonymised", value: {}, audit: { operations: [], replacements: { NAME: 1 } } });
    expect(counted).toEqual([
      ["outcome:anonymised", 1],
      ["replacement:NAME", 2],
      ["replacement:DATE", 1],
      ["cache:hit", 2],
      ["outcome:failed", 1],
      ["failure:ANON_VALUE_INVALID", 1],
      ["cache:miss", 1],
      ["outcome:withheld", 1],
      ["withheld:OPTED_OUT", 1],
      ["outcome:anonymised", 1],
      ["replacement:NAME", 1],
    ]);
  });
});
