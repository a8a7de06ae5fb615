import type { AnonymiseResult, Anonymiser } from "../../anonymise/index.ts";
import { PATIENT_STORES } from "../../contracts/stores.ts";
import { StreamsBuilder } from "../dsl/builder.ts";
import type { Topology } from "../dsl/topology.ts";
import type { Serde } from "../dsl/types.ts";

export { PATIENT_STORES };

export interface PatientTopologyOptions {
  rawTopic: string;
  anonymisedTopic: string;
  /** Registry-framed Avro → raw record (refuses writer schemas the policy does not know); may be asynchronous. */
  rawSerde: Pick<Serde<unknown>, "deserialize" | "serialize">;
  /** Anonymised record → registry-framed Avro, synchronously (the output schema id is resolved at start-up). */
  anonymisedSerde: Pick<Serde<Record<string, unknown>>, "deserialize" | "serialize">;
  anonymiser: Anonymiser;
  /** Per-record outcome counters (`outcomeCounters`): counts only, the result never leaves the process. */
  count?: (key: string, n?: number) => void;
}

/**
 * The counters the topology reports per record, by key: `outcome:<anonymised|withheld|failed>`,
 * `replacement:<ENTITY>` (free-text replacements), `withheld:<REASON>`, `failure:<CODE>` and the token cache's
 * `cache:hit` / `cache:miss`. All from closed sets.
 */
export function outcomeCounters(
  anonymiser: Anonymiser,
  count: (key: string, n?: number) => void,
): (result: AnonymiseResult) => void {
  const stats = anonymiser.tokenCacheStats();
  let hits = stats.hits;
  let misses = stats.misses;
  const outcomeKey = keyMaker("outcome:");
  const replacementKey = keyMaker("replacement:");
  const failureKey = keyMaker("failure:");
  const withheldKey = keyMaker("withheld:");
  return (result) => {
    count(outcomeKey(result.kind));
    if (result.kind === "anonymised") {
      const replacements = result.audit.replacements;
      for (const entity in replacements) {
        const n = replacements[entity] as number;
        if (n > 0) count(replacementKey(entity), n);
      }
    } else if (result.kind === "failed") count(failureKey(result.code));
    else count(withheldKey(result.reason));
    // The statistics object is live (each read sums the caches as they are now): read once per record.
    const nowHits = stats.hits;
    const nowMisses = stats.misses;
    if (nowHits !== hits) count("cache:hit", nowHits - hits);
    if (nowMisses !== misses) count("cache:miss", nowMisses - misses);
    hits = nowHits;
    misses = nowMisses;
  };
}

/**
 * Counter keys under `prefix`, each made once: a key built per record is a new string whose hash the counter map
 * must compute again on every look-up. Names come from closed sets, so the keys made are few.
 */
function keyMaker(prefix: string): (name: string) => string {
  const made = new Map<string, string>();
  return (name) => {
    let key = made.get(name);
    if (key === undefined) {
      key = `${prefix}${name}`;
      made.set(name, key);
    }
    return key;
  };
}

/**
 * raw topic → decode → anonymise → split: withheld (consent) → withheld store; failed → dead letter;
 * anonymised → anonymised topic + PostgreSQL store. A record reaches research outputs only down the last branch.
 */
export function buildPatientTopology(options: PatientTopologyOptions): Topology {
  const { anonymiser } = options;
  const report = options.count ? outcomeCounters(anonymiser, options.count) : undefined;
  const keyField = anonymiser.strategy === "pseudonymisation" ? "patient_id" : "record_id";
  const builder = new StreamsBuilder();
  const branches = builder
    .stream<Buffer, unknown>(options.rawTopic, { value: options.rawSerde }, "decode-patient-record")
    .mapValues((record) => {
      const result = anonymiser.anonymise(record);
      report?.(result);
      return result;
    }, "anonymise")
    .split("route")
    .branch((_k, r) => r.kind === "withheld", "withheld")
    .branch((_k, r) => r.kind === "failed", "failed")
    .defaultBranch("anonymised");

  branches["withheld"]!.mapValues(
    (r) => ({ reason: r.kind === "withheld" ? r.reason : "UNKNOWN" }),
    "withheld-reason",
  ).toStore(PATIENT_STORES.withheld, "withheld-store");

  branches["failed"]!.toDeadLetter((_k, r) => {
    const code = r.kind === "failed" ? r.code : "ANON_INTERNAL";
    const field = r.kind === "failed" ? r.field : undefined;
    return {
      code,
      message: `anonymisation refused the record (${code}${field ? ` on field ${field}` : ""})`,
      exception: "AnonymisationFailure",
      ...(field ? { extra: { field } } : {}),
    };
  }, "anonymise-failed");

  const anonymised = branches["anonymised"]!.map((_k, r) => {
    if (r.kind !== "anonymised") throw new Error("route: non-anonymised result on the anonymised branch");
    return { key: String(r.value[keyField]), value: r.value };
  }, "unwrap-anonymised");
  anonymised.to(
    options.anonymisedTopic,
    {
      key: { serialize: (k) => Buffer.from(k), deserialize: (b) => b.toString() },
      value: options.anonymisedSerde,
    },
    "to-anonymised-topic",
  );
  anonymised.toStore(PATIENT_STORES.anonymised, "to-research-database");
  return builder.build();
}
