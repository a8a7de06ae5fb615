import avro from "avsc";
import { describe, expect, it } from "vitest";
import { createGenerator } from "../../dev/synthetic/index.ts";
import { AvroEncoder } from "../../schemas/avro-codec.ts";
import { sampleJson } from "../anonymise/helpers.ts";
import { anonymisedSchema, pipelineAnonymiser, rawSchema, toAvro } from "../support/anonymiser.ts";
import { IdentifierIndex } from "../support/leaks.ts";
import { metricsWithoutValues, verify } from "./check.ts";
import { type ConsoleRecord, parseConsoleOutput } from "./console-consumer.ts";
import { OUTAGE_S, planChaos } from "./schedule.ts";

/** The chaos run's own parts, without a stack: its plan is reproducible and its checks do catch what they claim. */

describe("chaos plan", () => {
  it("is a function of the seed: same seed, same schedule; another seed, another schedule", () => {
    expect(planChaos(42, 30, 3)).toEqual(planChaos(42, 30, 3));
    expect(planChaos(43, 30, 3).faults).not.toEqual(planChaos(42, 30, 3).faults);
  });

  it("keeps every outage within its bounds and inside the phase, one outage at a time", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const plan = planChaos(seed, 3, 3);
      const outages = plan.faults.filter((f) => "downS" in f);
      let free = 0;
      for (const f of outages) {
        if (!("downS" in f)) continue;
        expect(f.atS).toBeGreaterThanOrEqual(free);
        expect(f.downS).toBeLessThanOrEqual(OUTAGE_S[f.kind][1]);
        expect(f.atS + f.downS).toBeLessThanOrEqual(180);
        free = f.atS + f.downS;
      }
      for (const f of plan.faults) if ("replica" in f) expect(f.replica).toBeLessThan(3);
    }
  });
});

describe("console consumer output", () => {
  it("splits raw records back into partition, offset, headers, key and value, binary values intact", () => {
    const F = "\u0001~chaos-field~\u0002";
    const R = "\u0001~chaos-record~\u0003\n";
    const H = "\u0001~chaos-header~\u0002";
    const value = Buffer.from([0, 0, 0, 0, 7, 10, 13, 255, 0]);
    const out = Buffer.concat([
      Buffer.from(
        `CreateTime:1700000000000${F}Partition:2${F}Offset:17${F}errors.reason:RECORD_EMPTY${H}errors.offset:17${F}k${F}`,
      ),
      value,
      Buffer.from(
        `${R}CreateTime:1700000000001${F}Partition:0${F}Offset:3${F}NO_HEADERS${F}\u0001~null~${F}v${R}`,
      ),
    ]);
    const records = parseConsoleOutput(out);
    expect(records.map((r) => [r.timestamp, r.partition, r.offset])).toEqual([
      [1_700_000_000_000, 2, 17],
      [1_700_000_000_001, 0, 3],
    ]);
    expect(records[0]!.headers.get("errors.reason")).toBe("RECORD_EMPTY");
    expect(records[0]!.value).toEqual(value);
    expect(records[1]!.key).toBeNull();
    expect(records[1]!.headers.size).toBe(0);
  });
});

describe("chaos verdict", () => {
  const generator = createGenerator({ seed: 9, patients: 20, optOutRate: 0, consentMissingRate: 0 });
  const sources = Array.from({ length: 4 }, () => generator.next());
  const sent = new Map(sources.map((s) => [s.record_id, s]));
  const index = new IdentifierIndex();
  for (const s of sources) index.add(s);
  const encoder = new AvroEncoder(rawSchema, 1);
  const engine = pipelineAnonymiser();
  const anonymisedType = avro.Type.forSchema(anonymisedSchema as avro.Schema);
  const raw: ConsoleRecord[] = sources.map((s, offset) => ({
    timestamp: 0,
    partition: 0,
    offset,
    headers: new Map(),
    key: Buffer.from(s.patient_id),
    value: encoder.encode(toAvro(s)),
  }));
  raw.push({
    timestamp: 0,
    partition: 0,
    offset: 4,
    headers: new Map(),
    key: Buffer.from("pill:empty:0"),
    value: null,
  });
  const tokens = sources.map((s) => {
    const r = engine.anonymise(toAvro(s));
    if (r.kind !== "anonymised") throw new Error("fixture");
    return r.value;
  });
  const clean = () => ({
    raw,
    anonymisedTopic: tokens.map((t, offset) => ({
      timestamp: 0,
      partition: 0,
      offset,
      headers: new Map<string, string>(),
      key: null,
      value: Buffer.concat([Buffer.alloc(5), anonymisedType.toBuffer(t)]),
    })),
    deadLetterTopic: [
      {
        timestamp: 0,
        partition: 0,
        offset: 0,
        headers: new Map([
          ["errors.partition", "0"],
          ["errors.offset", "4"],
          ["errors.reason", "RECORD_EMPTY"],
        ]),
        key: null,
        value: Buffer.alloc(0),
      },
    ],
    rows: tokens.map(
      (t, offset): Record<string, unknown> => ({ ...t, source_partition: 0, source_offset: offset }),
    ),
    withheld: [],
    deadLetters: [{ source_partition: 0, source_offset: 4, reason_code: "RECORD_EMPTY" }],
    otherTables: "",
    logs: '{"msg":"batch.committed"}',
    metrics: "anonymiser_up 1",
  });
  const failing = (outputs: ReturnType<typeof clean>) =>
    verify(outputs, sent, index)
      .checks.filter((c) => !c.ok)
      .map((c) => c.name);

  it("passes a clean run", () => {
    expect(failing(clean())).toEqual([]);
  });

  it("reads metric names and labels for identifiers, not the numbers measured", () => {
    const text = [
      "# HELP nodejs_heap_size_used_bytes Process heap size used",
      "nodejs_heap_size_used_bytes 14051945",
      'anonymiser_batch_seconds_bucket{le="0.5"} 12 1700000000',
      "anonymiser_lag NaN",
    ].join("\n");
    expect(metricsWithoutValues(text)).toBe(
      [
        "# HELP nodejs_heap_size_used_bytes Process heap size used",
        "nodejs_heap_size_used_bytes",
        'anonymiser_batch_seconds_bucket{le="0.5"}',
        "anonymiser_lag",
      ].join("\n"),
    );
  });

  it("catches a lost input, a duplicate, a duplicated topic record, a wrong pill code and a leak", () => {
    const lost = clean();
    lost.rows.pop();
    expect(failing(lost)).toEqual(["no input offset lost"]);

    const twice = clean();
    twice.withheld.push({ source_partition: 0, source_offset: 1 } as never);
    expect(failing(twice)).toEqual(["no input offset twice (rows + withheld + dead letters)"]);

    const onTopicTwice = clean();
    onTopicTwice.anonymisedTopic.push(onTopicTwice.anonymisedTopic[0]!);
    expect(failing(onTopicTwice)).toEqual([
      "anonymised topic: every expected record once (read_committed, Java client)",
    ]);

    const wrongCode = clean();
    wrongCode.deadLetterTopic[0]!.headers.set("errors.reason", "AVRO_TRUNCATED");
    expect(failing(wrongCode)).toEqual(["every pill dead-lettered once on the topic with its code"]);

    const leakInLogs = clean();
    leakInLogs.logs += `\n{"msg":"oops","nhs":"${sources[2]!.nhs_number}"}`;
    expect(failing(leakInLogs)).toEqual(["no raw identifier in any output"]);

    const leakInMetricLabel = clean();
    leakInMetricLabel.metrics += `\nanonymiser_records_total{patient="${sources[2]!.nhs_number}"} 3`;
    expect(failing(leakInMetricLabel)).toEqual(["no raw identifier in any output"]);

    const leakInRow = clean();
    leakInRow.rows[1] = { ...leakInRow.rows[1]!, clinical_notes: `seen ${sources[1]!.family_name} today` };
    expect(failing(leakInRow)).toEqual(["no raw identifier in any output"]);
  });
});

describe("identifier index", () => {
  const index = new IdentifierIndex();
  index.add(sampleJson());

  it("finds identifiers in any spelling, whole words only", () => {
    expect([...index.scan("x 943-476-5919 y").keys()]).toEqual(["nhs_number"]);
    expect([...index.scan("call 07700 900123").keys()]).toEqual(["phone"]);
    expect([...index.scan("at sw1a1aa").keys()]).toEqual(["postcode"]);
    expect([...index.scan("MARGARET thornton attended").keys()]).toEqual(["name"]);
    expect([...index.scan("Seen: Thornton").keys()]).toEqual(["name"]);
    expect(index.scan("9434765919123 SW1A1AAB").size).toBe(0);
  });

  it("takes a single name in lower case or capitals for an ordinary word or a label, not a leak", () => {
    expect(index.scan('{"field":"thornton","count":1,"margaret":2}').size).toBe(0);
    expect(index.scan('replacements{entity="THORNTON"} 3').size).toBe(0);
  });
});
