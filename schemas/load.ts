import { readFileSync } from "node:fs";

/**
 * Reads the schema files (the only I/O in schemas/ besides the registry client): the .avsc files are the single
 * source of truth for the contract and the privacy policy.
 */
export const SCHEMA_FILES = {
  patientRecord: "patient-record.v1.avsc",
  anonymisedPatientRecord: "anonymised-patient-record.v1.avsc",
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

/** An Avro record schema as parsed JSON; custom attributes such as x-anonymise are kept. */
export interface AvroRecordSchema {
  readonly type: "record";
  readonly name: string;
  readonly namespace?: string;
  readonly fields: ReadonlyArray<{
    readonly name: string;
    readonly type: unknown;
    readonly [attr: string]: unknown;
  }>;
  readonly [attr: string]: unknown;
}

const SCHEMA_DIR = new URL("./", import.meta.url);

/** Reads and parses a .avsc file relative to schemas/ (e.g. "evolution/patient-record.v2.avsc"). */
export function loadSchemaFile(relativePath: string): AvroRecordSchema {
  const text = readFileSync(new URL(relativePath, SCHEMA_DIR), "utf8");
  const parsed = JSON.parse(text) as AvroRecordSchema;
  if (parsed.type !== "record" || !Array.isArray(parsed.fields)) {
    throw new Error(`schema file ${relativePath} is not an Avro record schema`);
  }
  return parsed;
}

export function loadSchema(name: SchemaName): AvroRecordSchema {
  return loadSchemaFile(SCHEMA_FILES[name]);
}

export function loadAllSchemas(): Record<SchemaName, AvroRecordSchema> {
  return {
    patientRecord: loadSchema("patientRecord"),
    anonymisedPatientRecord: loadSchema("anonymisedPatientRecord"),
  };
}
