/**
 * Micro-benchmark of the anonymise step, on one core (one thread): records per second for the whole step with
 * and without the token cache, with and without the free-text person-name detector (the same-run baseline), and
 * for its parts. Also what loading the engine costs (its gazetteers are built at module load). Prints a table and
 * writes bench/results/anonymise.json. Compare ratios from the same run: the machines are shared and noisy; the
 * detector and its baseline are measured interleaved, chunk by chunk, several rounds, and the median ratio kept.
 * Goals: ≥ 20,000 records/s with the cache; with the detector ≥ 0.8 × the same-run baseline without it.
 *   npm run bench:anonymise [-- --records 5000 --seconds 1.5 --rounds 3 --many-records 100000]
 */

import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { AvroEncoder } from "../schemas/avro-codec.ts";
import { loadSchema } from "../schemas/load.ts";
// A type only: erased, so the module is still first loaded where the engine's load has been measured.
import type { PathPass } from "./lib/processing-path.ts";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "5000" },
    seconds: { type: "string", default: "1.5" },
    rounds: { type: "string", default: "3" },
    "many-records": { type: "string", default: "100000" },
  },
});
const RECORDS = Number(values.records);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const MANY = Number(values["many-records"]);

// The engine builds its name gazetteers on its first scrub: measure the import and that scrub once, in this fresh
// process.
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const loadStart = performance.now();
const {
  createAnonymiser,
  createPseudonymiser,
  DEFAULT_TOKEN_CACHE_SIZE,
  normaliseNhsNumber,
  parseKeyring,
  postcodeDistrict,
  scrubText,
} = await import("../anonymise/index.ts");
scrubText("Seen with his wife.", [], {}, {});
const engineLoadMs = Math.round(performance.now() - loadStart);
globalThis.gc?.();
const engineHeapMB = Number(((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1));
const { engineRecords } = await import("./lib/engine-records.ts");

const rawSchema = loadSchema("patientRecord");
const anonymisedSchema = loadSchema("anonymisedPatientRecord");
const keyringText = readFileSync(new URL("../tests/fixtures/keyring.json", import.meta.url), "utf8");
const keyring = parseKeyring(keyringText);
const records = engineRecords(42, RECORDS);

interface Row {
  name: string;
  opsPerSecond: number;
  microsPerOp: number;
}

/** Runs `fn` over the record set repeatedly for ~SECONDS after a warm-up; returns operations per second. */
function measure(name: string, fn: (r: Record<string, unknown>) => unknown): Row {
  for (let i = 0; i < Math.min(records.length, 2000); i++) fn(records[i] as Record<string, unknown>);
  let ops = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (const r of records) fn(r);
    ops += records.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  const opsPerSecond = Math.round(ops / elapsed);
  return { name, opsPerSecond, microsPerOp: Number((1e6 / opsPerSecond).toFixed(2)) };
}

function anonymiser(tokenCacheSize: number, personNames = true) {
  return createAnonymiser({
    rawSchema,
    anonymisedSchema,
    keyring,
    strategy: "pseudonymisation",
    pipelineVersion: "bench",
    tokenCacheSize,
    personNames,
  });
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// A cache that holds the whole record set: every token is a hit, so the detector's ratio below compares the
// detector with the least the rest of the engine can cost (the default settings are measured in manyPatients).
const cached = anonymiser(100_000);
const baseline = anonymiser(100_000, false);
const uncached = anonymiser(0);
const redaction = createAnonymiser({ rawSchema, keyring, strategy: "redaction", pipelineVersion: "bench" });
const pseudonymiser = createPseudonymiser(keyring, 0);
let fresh = 0;

/**
 * Detector on and off, interleaved in chunks of 250 records for SECONDS × 2 per round (in alternating order), each
 * variant's time summed apart: both see the same load, so their ratio holds even when the box is busy. ROUNDS
 * rounds; medians reported.
 */
function measurePair(a: (r: Record<string, unknown>) => unknown, b: (r: Record<string, unknown>) => unknown) {
  const CHUNK = 250;
  for (let i = 0; i < Math.min(records.length, 2000); i++) {
    a(records[i] as Record<string, unknown>);
    b(records[i] as Record<string, unknown>);
  }
  let timeA = 0;
  let timeB = 0;
  let ops = 0;
  const deadline = performance.now() + SECONDS * 2000;
  // The order alternates chunk by chunk: whichever runs second finds the chunk's records warm in the CPU caches.
  let flip = false;
  for (let from = 0; performance.now() < deadline; from = (from + CHUNK) % records.length) {
    const chunk = records.slice(from, from + CHUNK);
    for (const [fn, isA] of flip
      ? ([
          [b, false],
          [a, true],
        ] as const)
      : ([
          [a, true],
          [b, false],
        ] as const)) {
      const t = performance.now();
      for (const r of chunk) fn(r);
      if (isA) timeA += performance.now() - t;
      else timeB += performance.now() - t;
    }
    flip = !flip;
    ops += chunk.length;
  }
  return { a: Math.round(ops / (timeA / 1000)), b: Math.round(ops / (timeB / 1000)) };
}

const withDetector: number[] = [];
const withoutDetector: number[] = [];
const pairRatios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const pair = measurePair(
    (r) => cached.anonymise(r),
    (r) => baseline.anonymise(r),
  );
  withDetector.push(pair.a);
  withoutDetector.push(pair.b);
  pairRatios.push(Number((pair.a / pair.b).toFixed(3)));
}
const row = (name: string, opsPerSecond: number): Row => ({
  name,
  opsPerSecond,
  microsPerOp: Number((1e6 / opsPerSecond).toFixed(2)),
});
const detectorRatio = median(pairRatios);
const notes = records.map((r) => (r["clinical_notes"] as string | null) ?? "");
const ownNames = (r: Record<string, unknown>) => [
  { text: r["given_name"] as string, entity: "NAME" as const },
  { text: r["family_name"] as string, entity: "NAME" as const },
];

const rows: Row[] = [
  row(`anonymise (pseudonymisation, token cache), median of ${ROUNDS}`, median(withDetector)),
  row(`same, person-name detector off (baseline), median of ${ROUNDS}`, median(withoutDetector)),
  measure("anonymise (pseudonymisation, no cache)", (r) => uncached.anonymise(r)),
  measure("anonymise (redaction, token cache)", (r) => redaction.anonymise(r)),
  measure("part: HMAC token, uncached", () => pseudonymiser.token("REC", `id-${fresh++}`)),
  measure("part: NHS number normalise + token, uncached", (r) =>
    pseudonymiser.token("NHS", normaliseNhsNumber(r["nhs_number"] as string) ?? ""),
  ),
  measure("part: date-shift offset, uncached", (r) =>
    pseudonymiser.dateShiftDays(r["patient_id"] as string, 180),
  ),
  measure("part: postcode district", (r) => postcodeDistrict(r["postcode"] as string)),
  measure("part: scrub-text (notes, own names, no tokens)", (r) =>
    scrubText((r["clinical_notes"] as string | null) ?? "", ownNames(r), {}, {}),
  ),
  measure("part: scrub-text, person-name detector off", (r) =>
    scrubText((r["clinical_notes"] as string | null) ?? "", ownNames(r), { personNames: false }, {}),
  ),
];
const averageNoteLength = Math.round(notes.reduce((n, s) => n + s.length, 0) / Math.max(1, notes.length));

/**
 * The pipeline benchmark's mix: MANY records drawn from MANY / 4 patients, each record anonymised once by a fresh
 * engine with the default settings, so that the token cache and the renderings and phone memos meet as many
 * distinct patients as the pipeline does, not the few above over and over. Reported as process CPU time per record
 * (the garbage collector's threads included) and records per second, after a JIT warm-up on other records.
 */
function manyPatients(batch: readonly Record<string, unknown>[]): {
  records: number;
  patients: number;
  cpuMicrosPerRecord: number;
  recordsPerSecond: number;
} {
  const patients = Math.ceil(MANY / 4);
  const warm = anonymiser(DEFAULT_TOKEN_CACHE_SIZE);
  for (const r of records) warm.anonymise(r);
  const engine = anonymiser(DEFAULT_TOKEN_CACHE_SIZE);
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const r of batch) engine.anonymise(r);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    records: MANY,
    patients,
    cpuMicrosPerRecord: Number(((used.user + used.system) / MANY).toFixed(1)),
    recordsPerSecond: Math.round(MANY / seconds),
  };
}
const manyRecords = MANY > 0 ? engineRecords(7, MANY) : [];
const many = MANY > 0 ? manyPatients(manyRecords) : undefined;

/**
 * The same records through a processing thread's whole path (bench/lib/processing-path.ts): decoded from the wire
 * format, anonymised, the anonymised record encoded and the research row prepared for COPY.
 */
const rawEncoder = new AvroEncoder(rawSchema, 1);
// Imported here, not at the top: the engine's load is measured above, from a process that has not loaded it yet.
const { measureProcessingPath } = await import("./lib/processing-path.ts");
const processingPath =
  MANY > 0
    ? await measureProcessingPath(
        manyRecords.map((r) => rawEncoder.encode(r)),
        records.map((r) => rawEncoder.encode(r)),
        keyringText,
      )
    : undefined;

const stats = cached.tokenCacheStats();
const result = {
  benchmark: "anonymise",
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
  records: RECORDS,
  secondsPerMeasurement: SECONDS,
  goalRecordsPerSecond: 20_000,
  averageNoteLength,
  engineLoadMs,
  engineHeapMB,
  personNameDetector: {
    withRecordsPerSecond: withDetector,
    withoutRecordsPerSecond: withoutDetector,
    ratioPerRound: pairRatios,
    ratio: detectorRatio,
    goalRatio: 0.8,
  },
  tokenCache: { ...stats, hitRate: Number((stats.hits / Math.max(1, stats.hits + stats.misses)).toFixed(3)) },
  rows,
  cacheSpeedup: Number(((rows[0]?.opsPerSecond ?? 0) / (rows[2]?.opsPerSecond ?? 1)).toFixed(2)),
  manyPatients: many ?? null,
  processingPath: processingPath ?? null,
};

const width = Math.max(...rows.map((r) => r.name.length));
console.log(
  `anonymise benchmark: ${RECORDS} records, one core, node ${process.version}, load ${result.loadAverage1m}`,
);
console.log(`${"step".padEnd(width)}  ${"ops/s".padStart(10)}  ${"µs/op".padStart(8)}`);
for (const r of rows)
  console.log(
    `${r.name.padEnd(width)}  ${String(r.opsPerSecond).padStart(10)}  ${r.microsPerOp.toFixed(2).padStart(8)}`,
  );
console.log(
  `token cache hit rate ${result.tokenCache.hitRate}; cache speed-up ×${result.cacheSpeedup}; goal ${result.goalRecordsPerSecond} records/s`,
);
console.log(
  `person-name detector (interleaved): with ${withDetector.join(", ")} / without ${withoutDetector.join(", ")} records/s; ratio per round ${pairRatios.join(", ")} → median ${detectorRatio} (goal ≥ 0.8); notes average ${averageNoteLength} characters`,
);
if (many)
  console.log(
    `one pass over ${many.records} records of ${many.patients} patients (the pipeline benchmark's mix), default settings: ${many.recordsPerSecond} records/s, ${many.cpuMicrosPerRecord} µs of process CPU per record`,
  );
if (processingPath) {
  const pass = (p: PathPass) =>
    `${p.recordsPerSecond} records/s, ${p.cpuMicrosPerRecord} µs of process CPU per record${
      p.byThread ? ` (the worker ${p.byThread.worker}, V8's helpers ${p.byThread.v8Helpers})` : ""
    }`;
  console.log(
    `the same records through a processing thread's path (decode, anonymise, encode, COPY row), in a worker thread: ${pass(processingPath.warmed)}`,
  );
  console.log(
    `  that path in a fresh thread, not warmed up (V8 compiling, patients met first): ${pass(processingPath.cold)}`,
  );
  console.log(
    `  the warmed thread's second pass over the same records (patients met before): ${pass(processingPath.again)}`,
  );
}
console.log(
  `engine load (import and first scrub, which builds the gazetteers): ${engineLoadMs} ms, heap +${engineHeapMB} MB${globalThis.gc ? "" : " (run with --expose-gc for a steadier heap figure)"}`,
);
writeFileSync(new URL("./results/anonymise.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
