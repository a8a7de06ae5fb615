import avro from "avsc";
import type { PatientRecordJson } from "../../dev/synthetic/index.ts";
import { toJsonForm } from "../../schemas/json-form.ts";
import { anonymisedSchema, pipelineAnonymiser, rawSchema, toAvro } from "../support/anonymiser.ts";
import { type IdentifierIndex, recordLeaks } from "../support/leaks.ts";
import type { ConsoleRecord } from "./console-consumer.ts";
import { PILLS, pillKindOf } from "./load.ts";

/**
 * The chaos run's verdict, from what the servers hold after the run: the raw topic (the inputs, as the broker has
 * them), the anonymised and dead-letter topics read with Kafka's own Java console consumer under read_committed, and
 * the PostgreSQL tables. Every number is computed from those; nothing is taken from the pipeline's own account.
 */
/** A sample's value and optional timestamp at the end of a Prometheus text line: "… 14051945", "… 1.5e3 1700000000". */
const SAMPLE_VALUE = /[ \t]+[-+0-9.eE]+(?:[ \t]+-?\d+)?$|[ \t]+(?:NaN|[+-]Inf)$/;

/**
 * Metric names, labels and help text, without the samples' numbers. An identifier could only reach metrics through
 * a name or a label; a number the process measured (a heap size of 14,051,945 bytes, say) can equal a date of birth
 * written as digits without being one.
 */
export function metricsWithoutValues(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.startsWith("#") ? line : line.replace(SAMPLE_VALUE, "")))
    .join("\n");
}

export interface Outputs {
  raw: ConsoleRecord[];
  anonymisedTopic: ConsoleRecord[];
  deadLetterTopic: ConsoleRecord[];
  rows: Array<Record<string, unknown>>;
  withheld: Array<Record<string, unknown>>;
  deadLetters: Array<Record<string, unknown>>;
  /** Other tables (offsets, audit), as text, for the leak scan. */
  otherTables: string;
  logs: string;
  metrics: string;
  /** For the report only: times are given from this moment (the start of the fault phase). */
  phaseStartMs?: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verdict {
  numbers: Record<string, number>;
  checks: Check[];
}

type Expected =
  | { kind: "anonymised"; recordId: string; source: PatientRecordJson }
  | { kind: "withheld"; source: PatientRecordJson }
  | { kind: "dead-letter"; code: string }
  | { kind: "unknown" };

const at = (partition: unknown, offset: unknown) => `${Number(partition)}:${Number(offset)}`;

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

const sample = (items: string[]) => (items.length ? ` e.g. ${items.slice(0, 5).join(", ")}` : "");

export function verify(
  outputs: Outputs,
  sent: Map<string, PatientRecordJson>,
  index: IdentifierIndex,
): Verdict {
  const engine = pipelineAnonymiser();
  const rawType = avro.Type.forSchema(rawSchema as avro.Schema);
  const anonType = avro.Type.forSchema(anonymisedSchema as avro.Schema);

  // What each input offset must become.
  const expected = new Map<string, Expected>();
  const sourceByToken = new Map<string, PatientRecordJson>();
  for (const m of outputs.raw) {
    const pill = pillKindOf(m.key);
    let e: Expected = { kind: "unknown" };
    if (pill) e = { kind: "dead-letter", code: PILLS[pill] };
    else if (m.value && m.value.length > 5) {
      const recordId = (rawType.fromBuffer(m.value.subarray(5)) as { record_id: string }).record_id;
      const source = sent.get(recordId);
      const result = source ? engine.anonymise(toAvro(source)) : undefined;
      if (source && result?.kind === "anonymised") {
        const token = result.value["record_id"] as string;
        sourceByToken.set(token, source);
        e = { kind: "anonymised", recordId: token, source };
      } else if (source && result?.kind === "withheld") e = { kind: "withheld", source };
    }
    expected.set(at(m.partition, m.offset), e);
  }

  // Where each input offset ended up in PostgreSQL.
  const outcomes = new Map<string, string[]>();
  const note = (key: string, what: string) => outcomes.set(key, [...(outcomes.get(key) ?? []), what]);
  for (const r of outputs.rows) note(at(r["source_partition"], r["source_offset"]), `row:${r["record_id"]}`);
  for (const r of outputs.withheld) note(at(r["source_partition"], r["source_offset"]), "withheld");
  for (const r of outputs.deadLetters)
    note(at(r["source_partition"], r["source_offset"]), `dead-letter:${r["reason_code"]}`);

  const lost: string[] = [];
  const duplicated: string[] = [];
  const wrongOutcome: string[] = [];
  const unknownInputs: string[] = [];
  for (const [key, e] of expected) {
    const got = outcomes.get(key) ?? [];
    if (e.kind === "unknown") unknownInputs.push(key);
    if (got.length === 0) lost.push(key);
    if (got.length > 1) duplicated.push(`${key} (${got.join(" + ")})`);
    const want =
      e.kind === "anonymised"
        ? `row:${e.recordId}`
        : e.kind === "withheld"
          ? "withheld"
          : e.kind === "dead-letter"
            ? `dead-letter:${e.code}`
            : undefined;
    if (got.length === 1 && want && got[0] !== want)
      wrongOutcome.push(`${key} (${got[0]} instead of ${want})`);
  }
  const phantom = [...outcomes.keys()].filter((k) => !expected.has(k));

  // The anonymised topic: exactly the expected records, once each.
  const topicRecords = outputs.anonymisedTopic.map((m) => {
    const value = anonType.fromBuffer(m.value!.subarray(5)) as Record<string, unknown>;
    return { message: m, value, id: value["record_id"] as string };
  });
  const wantOnTopic = new Set(
    [...expected.values()].flatMap((e) => (e.kind === "anonymised" ? [e.recordId] : [])),
  );
  const topicCounts = countBy(topicRecords, (r) => r.id);
  // Where each duplicate sits, for the report: its source offset and every copy's position and time on the topic.
  const sourceOf = new Map(
    outputs.rows.map((r) => [String(r["record_id"]), at(r["source_partition"], r["source_offset"])]),
  );
  const when = (ms: number) =>
    outputs.phaseStartMs === undefined
      ? new Date(ms).toISOString()
      : `t+${Math.round((ms - outputs.phaseStartMs) / 1000)} s`;
  const topicDuplicates = [...topicCounts]
    .filter(([, n]) => n > 1)
    .map(([id, n]) => {
      const copies = topicRecords
        .filter((r) => r.id === id)
        .map((r) => `${at(r.message.partition, r.message.offset)} ${when(r.message.timestamp)}`);
      return `${id} ×${n} (source ${sourceOf.get(id) ?? "?"}; topic ${copies.join(", ")})`;
    });
  const topicMissing = [...wantOnTopic].filter((id) => !topicCounts.has(id));
  const topicExtra = [...topicCounts.keys()].filter((id) => !wantOnTopic.has(id));
  const rowIdCounts = countBy(outputs.rows, (r) => String(r["record_id"]));
  const rowDuplicates = [...rowIdCounts].filter(([, n]) => n > 1).map(([id]) => id);

  // The dead-letter topic: each pill exactly once, with its code; nothing else.
  const dlqCounts = new Map<string, string[]>();
  for (const m of outputs.deadLetterTopic) {
    const key = at(m.headers.get("errors.partition"), m.headers.get("errors.offset"));
    dlqCounts.set(key, [...(dlqCounts.get(key) ?? []), m.headers.get("errors.reason") ?? "?"]);
  }
  const pillOffsets = [...expected].filter(([, e]) => e.kind === "dead-letter");
  const pillProblems: string[] = [];
  for (const [key, e] of pillOffsets) {
    const got = dlqCounts.get(key) ?? [];
    if (e.kind === "dead-letter" && (got.length !== 1 || got[0] !== e.code))
      pillProblems.push(`${key} ${e.code}: topic has [${got.join(", ")}]`);
  }
  const dlqUnexpected = [...dlqCounts.keys()].filter((k) => expected.get(k)?.kind !== "dead-letter");

  // No identifier: each anonymised record against its own source's identifiers (every spelling), and every other
  // output (logs, metrics, dead-letter headers, the other tables, topic keys and headers) against all of them.
  const leaks: string[] = [];
  for (const r of topicRecords) {
    const source = sourceByToken.get(r.id);
    const json = toJsonForm(anonymisedSchema, r.value);
    const text = `${JSON.stringify(json)} ${r.message.key?.toString("latin1") ?? ""} ${[...r.message.headers].join(" ")}`;
    if (source)
      for (const f of recordLeaks(source, text, String(json["clinical_notes"] ?? "")))
        leaks.push(`anonymised topic: ${f}`);
  }
  for (const row of outputs.rows) {
    const source = sourceByToken.get(String(row["record_id"]));
    if (source)
      for (const f of recordLeaks(source, JSON.stringify(row), String(row["clinical_notes"] ?? "")))
        leaks.push(`research table: ${f}`);
  }
  const elsewhere: Array<[string, string]> = [
    ["logs", outputs.logs],
    ["metrics", metricsWithoutValues(outputs.metrics)],
    ["dead-letter headers", outputs.deadLetterTopic.map((m) => [...m.headers].join(" ")).join("\n")],
    ["dead_letters table", JSON.stringify(outputs.deadLetters)],
    ["withheld_records table", JSON.stringify(outputs.withheld)],
    ["offset and audit tables", outputs.otherTables],
    [
      "anonymised topic keys and headers",
      outputs.anonymisedTopic
        .map((m) => `${m.key?.toString("latin1") ?? ""} ${[...m.headers].join(" ")}`)
        .join("\n"),
    ],
  ];
  for (const [where, text] of elsewhere)
    for (const [field, spelling] of index.scan(text)) leaks.push(`${where}: ${field} ("${spelling}")`);
  const leakCounts = [...countBy(leaks, (l) => l)].map(([l, n]) => `${l} ×${n}`);

  const kinds = countBy([...expected.values()], (e) => e.kind);
  const numbers = {
    inputs: expected.size,
    "inputs: records": (kinds.get("anonymised") ?? 0) + (kinds.get("withheld") ?? 0),
    "inputs: pills": kinds.get("dead-letter") ?? 0,
    "research rows": outputs.rows.length,
    "anonymised topic records": topicRecords.length,
    withheld: outputs.withheld.length,
    "dead letters (table)": outputs.deadLetters.length,
    "dead letters (topic)": outputs.deadLetterTopic.length,
    lost: lost.length,
    "duplicates (offsets)": duplicated.length,
    "duplicates (record_id, table + topic)": rowDuplicates.length + topicDuplicates.length,
    leaks: leaks.length,
  };
  const check = (name: string, problems: string[], okDetail: string): Check => ({
    name,
    ok: problems.length === 0,
    detail: problems.length === 0 ? okDetail : `${problems.length}${sample(problems)}`,
  });
  return {
    numbers,
    checks: [
      check("every input is a known record or pill", unknownInputs, `${expected.size} inputs`),
      check("no input offset lost", lost, `0 of ${expected.size}`),
      check("no input offset twice (rows + withheld + dead letters)", [...duplicated, ...phantom], "0"),
      check("each input has its expected outcome", wrongOutcome, "all"),
      check(
        "anonymised topic: every expected record once (read_committed, Java client)",
        [
          ...topicMissing.map((id) => `missing ${id}`),
          ...topicDuplicates.map((d) => `duplicate ${d}`),
          ...topicExtra.map((id) => `unexpected ${id}`),
        ],
        `${topicRecords.length} records`,
      ),
      check("no duplicate record_id in the research table", rowDuplicates, "0"),
      check(
        "every pill dead-lettered once on the topic with its code",
        [...pillProblems, ...dlqUnexpected.map((k) => `non-pill ${k} on the dead-letter topic`)],
        `${pillOffsets.length} pills`,
      ),
      check("no raw identifier in any output", leakCounts, "none found"),
    ],
  };
}

export function formatVerdict(
  verdict: Verdict,
  extra: Check[],
  more: Record<string, number | string>,
): string {
  const rows = Object.entries({ ...verdict.numbers, ...more }).map(([k, v]) => `  ${k.padEnd(44)} ${v}`);
  const checks = [...verdict.checks, ...extra].map(
    (c) => `  ${c.ok ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`,
  );
  return ["result:", ...rows, "checks:", ...checks].join("\n");
}
