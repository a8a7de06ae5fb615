/**
 * Micro-benchmark of the anonymise step, on one core (one thread): records per second for the whole step with
 * and without the token cache, and for its parts. Prints a table and writes bench/results/anonymise.json.
 * Compare ratios from the same run: the machines are shared and noisy. Goal: ≥ 20,000 records/s with the cache.
 *   npm run bench:anonymise [-- --records 5000 --seconds 1.5]
 */

import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  createAnonymiser,
  createPseudonymiser,
  normaliseNhsNumber,
  parseKeyring,
  postcodeDistrict,
  scrubText,
} from "../anonymise/index.ts";
import { createGenerator } from "../dev/synthetic/index.ts";
import { fromJsonForm } from "../schemas/json-form.ts";
import { loadSchema } from "../schemas/load.ts";

const { values } = parseArgs({
  options: { records: { type: "string", default: "5000" }, seconds: { type: "string", default: "1.5" } },
});
const RECORDS = Number(values.records);
const SECONDS = Number(values.seconds);

const rawSchema = loadSchema("patientRecord");
const anonymisedSchema = loadSchema("anonymisedPatientRecord");
const keyring = parseKeyring(
  readFileSync(new URL("../tests/fixtures/keyring.json", import.meta.url), "utf8"),
);
const generator = createGenerator({
  seed: 42,
  patients: Math.ceil(RECORDS / 4),
  optOutRate: 0,
  consentMissingRate: 0,
});
const records = Array.from({ length: RECORDS }, () => {
  const r = fromJsonForm(rawSchema, generator.next());
  if (!r.ok) throw new Error("generator produced an invalid record");
  return r.value;
});

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

function anonymiser(tokenCacheSize: number) {
  return createAnonymiser({
    rawSchema,
    anonymisedSchema,
    keyring,
    strategy: "pseudonymisation",
    pipelineVersion: "bench",
    tokenCacheSize,
  });
}

const cached = anonymiser(100_000);
const uncached = anonymiser(0);
const redaction = createAnonymiser({ rawSchema, keyring, strategy: "redaction", pipelineVersion: "bench" });
const pseudonymiser = createPseudonymiser(keyring, 0);
let fresh = 0;
const rows: Row[] = [
  measure("anonymise (pseudonymisation, token cache)", (r) => cached.anonymise(r)),
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
    scrubText(
      (r["clinical_notes"] as string | null) ?? "",
      [
        { text: r["given_name"] as string, entity: "NAME" },
        { text: r["family_name"] as string, entity: "NAME" },
      ],
      {},
      {},
    ),
  ),
];

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
  tokenCache: { ...stats, hitRate: Number((stats.hits / Math.max(1, stats.hits + stats.misses)).toFixed(3)) },
  rows,
  cacheSpeedup: Number(((rows[0]?.opsPerSecond ?? 0) / (rows[1]?.opsPerSecond ?? 1)).toFixed(2)),
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
writeFileSync(new URL("./results/anonymise.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
