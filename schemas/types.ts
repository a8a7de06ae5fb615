/**
 * TypeScript shapes of the records in their in-memory Avro form (avsc decoding with unwrapped unions and no
 * logical-type classes): timestamps are epoch milliseconds, dates are days since 1970-01-01, nullable fields are
 * null or the value. tests/schemas/types.test.ts checks these against the .avsc files, which stay the source.
 */

/** Days since 1970-01-01 (Avro `date`). */
export type AvroDate = number;
/** Milliseconds since the epoch (Avro `timestamp-millis`). */
export type AvroTimestampMillis = number;

export interface PatientRecord {
  record_id: string;
  event_time: AvroTimestampMillis;
  source_system: string;
  patient_id: string;
  nhs_number: string;
  given_name: string;
  family_name: string;
  date_of_birth: AvroDate;
  gender: string;
  ethnic_category: string;
  address_line: string;
  postcode: string;
  phone: string | null;
  email: string | null;
  gp_practice_code: string;
  admission_date: AvroDate | null;
  discharge_date: AvroDate | null;
  diagnosis_codes: string[];
  clinical_notes: string | null;
  national_data_opt_out: boolean | null;
}

export interface AnonymisedPatientRecord {
  record_id: string;
  event_time: AvroTimestampMillis;
  source_system: string;
  patient_id: string;
  nhs_number: string;
  year_of_birth: number | null;
  age_band: string;
  gender: string;
  ethnic_category: string;
  postcode_district: string | null;
  gp_practice_code: string;
  admission_date: AvroDate | null;
  discharge_date: AvroDate | null;
  diagnosis_codes: string[];
  clinical_notes: string | null;
  policy_version: string;
  strategy: string;
  key_id: string;
  pipeline_version: string;
}

export interface DeadLetterRecord {
  error_code: string;
  error_field: string | null;
  error_stage: string;
  source_topic: string;
  source_partition: number;
  source_offset: number;
  source_timestamp: AvroTimestampMillis | null;
  writer_schema_id: number | null;
  record_token: string | null;
  failed_at: AvroTimestampMillis;
  pipeline_version: string;
  policy_version: string | null;
  original_payload: Buffer | null;
}
