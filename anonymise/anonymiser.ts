import { type AnonErrorCode, AnonymisationError } from "./errors.ts";
import type { Keyring } from "./keyring.ts";
import {
  type OperationContext,
  OperationFailure,
  type PseudonymRef,
  Withhold,
  type WithholdReason,
} from "./operators/index.ts";
import { type CompiledPolicy, compilePolicy } from "./policy.ts";
import { createPseudonymiser, NORMALISERS } from "./pseudonymise.ts";
import { ENTITY_TYPES } from "./scrub-text.ts";
import { parseStrategy, type Strategy } from "./strategy.ts";

/** Fields stamped on every anonymised record, after the policy's outputs. */
export const STAMP_FIELDS = ["policy_version", "strategy", "key_id", "pipeline_version"] as const;

/**
 * Entries per kind of token (and per date-shift range) in each processing thread: a day's patients of a large trust
 * in each thread, about 6 MB per thread when full. A cache that holds the patients who recur saves most of their
 * HMACs (engine CPU per record over 100,000 records, each engine fed the same records in turn: 12,500 patients
 * 38.9 µs with 2,048 entries, 35.9 with 16,384, 37.0 with none; 1,000 patients 30.5, 29.8, 35.1). When patients
 * do not recur within the cache's reach, the kind runs without it (see pseudonymise.ts), so a large population
 * costs no more than no cache.
 */
export const DEFAULT_TOKEN_CACHE_SIZE = 16_384;

export interface AnonymiserOptions {
  /** The raw schema (parsed .avsc JSON) carrying the policy annotations. */
  readonly rawSchema: unknown;
  readonly keyring: Keyring;
  readonly strategy: Strategy;
  readonly pipelineVersion: string;
  /** LRU size for pseudonym tokens and date offsets, per kind (token prefix, date-shift range); 0: no cache. */
  readonly tokenCacheSize?: number;
  /**
   * Free text: find names of people who are not in the record (relatives, carers, staff). Default true; false
   * exists for the benchmark's same-run baseline and should not be used in production.
   */
  readonly personNames?: boolean;
  /** When given, start-up fails unless the policy's outputs are exactly this schema's fields and types. */
  readonly anonymisedSchema?: unknown;
}

export interface AuditOperation {
  readonly field: string;
  readonly operator: string;
  readonly keyId?: string;
}

export interface Audit {
  /** What the policy did to each field (the same frozen list for every record: it costs nothing per record). */
  readonly operations: readonly AuditOperation[];
  /**
   * Free-text replacements by entity type, every type present, 0 where there were none: {NHS_NUMBER: 1, NAME: 2,
   * EMAIL: 0, …}. Counts only, never values.
   */
  readonly replacements: Readonly<Record<string, number>>;
}

export type AnonymiseResult =
  | { readonly kind: "anonymised"; readonly value: Record<string, unknown>; readonly audit: Audit }
  | { readonly kind: "withheld"; readonly reason: WithholdReason }
  | { readonly kind: "failed"; readonly code: AnonErrorCode; readonly field?: string };

export interface WriterSchemaProblem {
  readonly code: AnonErrorCode;
  readonly field?: string;
}

/** The token cache's counts, live: each read gives the value of that moment (copy them to keep a snapshot). */
export interface TokenCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  readonly capacity: number;
}

export interface Anonymiser {
  anonymise(record: unknown): AnonymiseResult;
  /** null when every field of the writer schema is known to the policy; otherwise the first problem. */
  checkWriterSchema(writerSchema: unknown): WriterSchemaProblem | null;
  readonly policyVersion: string;
  readonly keyId: string;
  readonly strategy: Strategy;
  /** Output field names in order, stamps included. */
  readonly outputFields: readonly string[];
  tokenCacheStats(): TokenCacheStats;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([k]) => k !== "doc" && k !== "default")
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function checkOutputs(policy: CompiledPolicy, anonymisedSchema: unknown): void {
  const fields = (anonymisedSchema as { fields?: unknown })?.fields;
  if (!Array.isArray(fields)) {
    throw new AnonymisationError(
      "ANON_SCHEMA_INVALID",
      "the anonymised schema must be an Avro record schema",
    );
  }
  const expected = new Map<string, string>(policy.outputs.map((o) => [o.name, canonical(o.type)]));
  for (const stamp of STAMP_FIELDS) expected.set(stamp, canonical("string"));
  const seen = new Set<string>();
  for (const f of fields as Array<{ name: string; type: unknown }>) {
    seen.add(f.name);
    const want = expected.get(f.name);
    if (want === undefined || want !== canonical(f.type)) {
      throw new AnonymisationError(
        "ANON_OUTPUT_MISMATCH",
        want === undefined
          ? `anonymised schema field '${f.name}' is produced by no policy operator`
          : `anonymised schema field '${f.name}' has a type the policy does not produce`,
        f.name,
      );
    }
  }
  for (const name of expected.keys()) {
    if (!seen.has(name)) {
      throw new AnonymisationError(
        "ANON_OUTPUT_MISMATCH",
        `policy output '${name}' is missing from the anonymised schema`,
        name,
      );
    }
  }
}

/** What the shared operation context points at between records. */
const NO_RECORD: Readonly<Record<string, unknown>> = Object.freeze({});

export function createAnonymiser(options: AnonymiserOptions): Anonymiser {
  const strategy = parseStrategy(options.strategy);
  if (typeof options.pipelineVersion !== "string" || options.pipelineVersion.length === 0) {
    throw new AnonymisationError("ANON_POLICY_INVALID", "pipelineVersion must be a non-empty string");
  }
  const policy = compilePolicy(options.rawSchema, strategy);
  if (options.anonymisedSchema !== undefined) checkOutputs(policy, options.anonymisedSchema);
  const { keyring, pipelineVersion } = options;
  const personNames = options.personNames !== false;
  const keyId = keyring.activeKeyId;
  const pseudonymiser = createPseudonymiser(keyring, options.tokenCacheSize ?? DEFAULT_TOKEN_CACHE_SIZE);

  const operations: readonly AuditOperation[] = Object.freeze(
    [...policy.gates, ...policy.fields].flatMap((f) =>
      f.operations.map((o) =>
        Object.freeze(
          o.keyed
            ? { field: o.field, operator: o.operator, keyId }
            : { field: o.field, operator: o.operator },
        ),
      ),
    ),
  );
  const outputFields = Object.freeze([...policy.outputs.map((o) => o.name), ...STAMP_FIELDS]);

  const allFields = [...policy.gates, ...policy.fields];
  // Every output field, in order, stamps last: a record's output is a copy of this object (one allocation with all
  // its fields in place) rather than an empty object grown field by field.
  const outputTemplate: Record<string, unknown> = {};
  for (const name of outputFields) outputTemplate[name] = null;
  // The same for the replacement counts: the scrubber adds to counts already there, so every record's counts
  // object keeps one shape, where counts added as they occurred gave one shape per order of entity types and made
  // every increment a slow generic store.
  const replacementsTemplate: Record<string, number> = {};
  for (const entity of ENTITY_TYPES) replacementsTemplate[entity] = 0;

  // One operation context serves every record in turn (the engine is synchronous): `begin` points it at the next
  // record and empties its memos, so a record costs its counts object and no closures, and the token memo is one
  // Map rather than an object grown by a property per field.
  const tokenMemo = new Map<string, string | null>();
  let shift: { token: string; maxDays: number; days: number } | undefined;
  const operationContext: { -readonly [K in keyof OperationContext]: OperationContext[K] } = {
    // The record and its counts are set by `begin`, before any operator reads them.
    record: NO_RECORD,
    strategy,
    pseudonymiser,
    replacements: {},
    personNames,
    tokenOf(ref: PseudonymRef): string | null {
      const cached = tokenMemo.get(ref.field);
      if (cached !== undefined) return cached;
      const raw = operationContext.record[ref.field];
      const normalised = typeof raw === "string" ? NORMALISERS[ref.normalise](raw) : null;
      const token = normalised === null ? null : pseudonymiser.token(ref.prefix, normalised);
      tokenMemo.set(ref.field, token);
      return token;
    },
    shiftOf(subjectToken: string, maxDays: number): number {
      if (shift?.token !== subjectToken || shift.maxDays !== maxDays)
        shift = { token: subjectToken, maxDays, days: pseudonymiser.dateShiftDays(subjectToken, maxDays) };
      return shift.days;
    },
  };

  function begin(record: Readonly<Record<string, unknown>>): OperationContext {
    operationContext.record = record;
    // A fresh counts object: the result of each record hands its own to the caller.
    operationContext.replacements = { ...replacementsTemplate };
    tokenMemo.clear();
    shift = undefined;
    return operationContext;
  }

  function run(record: Record<string, unknown>): AnonymiseResult {
    for (const name in record) {
      if (!policy.knownFields.has(name)) return { kind: "failed", code: "ANON_FIELD_UNKNOWN", field: name };
    }
    const operationContext = begin(record);
    for (const f of allFields) {
      const name = f.shape.name;
      const value = record[name];
      if (value === undefined) return { kind: "failed", code: "ANON_FIELD_MISSING", field: name };
      if (!f.shape.check(value)) return { kind: "failed", code: "ANON_VALUE_INVALID", field: name };
    }
    for (const g of policy.gates) {
      for (const op of g.operations) {
        const verdict = op.apply(record[op.field], operationContext);
        if (verdict instanceof Withhold) return { kind: "withheld", reason: verdict.reason };
        if (verdict instanceof OperationFailure)
          return { kind: "failed", code: verdict.code, field: verdict.field };
      }
    }
    const value: Record<string, unknown> = { ...outputTemplate };
    for (const f of policy.fields) {
      for (const op of f.operations) {
        const out = op.apply(record[op.field], operationContext);
        if (out instanceof OperationFailure) return { kind: "failed", code: out.code, field: out.field };
        if (op.output !== null) value[op.output] = out;
      }
    }
    value["policy_version"] = policy.version;
    value["strategy"] = strategy;
    value["key_id"] = keyId;
    value["pipeline_version"] = pipelineVersion;
    return { kind: "anonymised", value, audit: { operations, replacements: operationContext.replacements } };
  }

  return {
    anonymise(record) {
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        return { kind: "failed", code: "ANON_RECORD_INVALID" };
      }
      try {
        return run(record as Record<string, unknown>);
      } catch {
        // A bug in an operator must not let the record through, nor crash the stream with its values in a trace.
        return { kind: "failed", code: "ANON_INTERNAL" };
      } finally {
        // The shared context lets go of the record: its raw values are not kept alive until the next record.
        operationContext.record = NO_RECORD;
      }
    },
    checkWriterSchema(writerSchema) {
      const fields = (writerSchema as { type?: unknown; fields?: unknown } | null)?.fields;
      if ((writerSchema as { type?: unknown } | null)?.type !== "record" || !Array.isArray(fields)) {
        return { code: "ANON_SCHEMA_INVALID" };
      }
      for (const f of fields as Array<{ name?: unknown }>) {
        if (typeof f?.name !== "string") return { code: "ANON_SCHEMA_INVALID" };
        if (!policy.knownFields.has(f.name)) return { code: "ANON_FIELD_UNKNOWN", field: f.name };
      }
      return null;
    },
    policyVersion: policy.version,
    keyId,
    strategy,
    outputFields,
    tokenCacheStats: () => pseudonymiser.cacheStats(),
  };
}
