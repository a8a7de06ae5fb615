-- Research output, dead-letter metadata, withheld records and the sink's own copy of the consumed offsets.
-- No column ever holds a raw identifier: the research table holds anonymised values only (tokens, generalised or
-- shifted dates, scrubbed text); the others hold positions and codes.

CREATE TABLE anonymised_patient_records (
  record_id          text        PRIMARY KEY,          -- REC- token (keyed pseudonym of the source record id)
  event_time         timestamptz NOT NULL,             -- shifted per patient
  source_system      text        NOT NULL,
  patient_id         text        NOT NULL,             -- PAT- token
  nhs_number         text        NOT NULL,             -- NHS- token
  year_of_birth      integer,
  age_band           text        NOT NULL,
  gender             text        NOT NULL,
  ethnic_category    text        NOT NULL,
  postcode_district  text,
  gp_practice_code   text        NOT NULL,
  admission_date     date,                              -- shifted per patient
  discharge_date     date,                              -- shifted per patient
  diagnosis_codes    text[]      NOT NULL,
  clinical_notes     text,                              -- scrubbed
  policy_version     text        NOT NULL,
  strategy           text        NOT NULL,
  key_id             text        NOT NULL,
  pipeline_version   text        NOT NULL,
  source_topic       text        NOT NULL,
  source_partition   integer     NOT NULL,
  source_offset      bigint      NOT NULL,
  committed_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_topic, source_partition, source_offset)
);
CREATE INDEX anonymised_patient_records_patient_time ON anonymised_patient_records (patient_id, event_time);
CREATE INDEX anonymised_patient_records_event_time ON anonymised_patient_records (event_time);

CREATE TABLE dead_letters (
  id                 bigserial   PRIMARY KEY,
  reason_code        text        NOT NULL,
  exception          text        NOT NULL,
  message            text        NOT NULL,             -- value-free by construction (codes, field names, sizes)
  node               text        NOT NULL,
  field              text,                              -- a field NAME, never its value
  schema_id          integer,
  source_topic       text        NOT NULL,
  source_partition   integer     NOT NULL,
  source_offset      bigint      NOT NULL,
  source_timestamp   timestamptz,
  failed_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_topic, source_partition, source_offset)
);
CREATE INDEX dead_letters_reason ON dead_letters (reason_code, failed_at);

CREATE TABLE withheld_records (
  source_topic       text        NOT NULL,
  source_partition   integer     NOT NULL,
  source_offset      bigint      NOT NULL,
  reason             text        NOT NULL,             -- OPTED_OUT or CONSENT_MISSING
  withheld_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_topic, source_partition, source_offset)
);

CREATE TABLE sink_offsets (
  consumer_group     text        NOT NULL,
  topic              text        NOT NULL,
  partition          integer     NOT NULL,
  next_offset        bigint      NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, partition)
);

-- One row per committed batch: what was done, under which policy and key, never to whom.
CREATE TABLE audit_batches (
  id                 bigserial   PRIMARY KEY,
  consumer_group     text        NOT NULL,
  committed_at       timestamptz NOT NULL DEFAULT now(),
  records            integer     NOT NULL,
  anonymised         integer     NOT NULL,
  withheld           integer     NOT NULL,
  dead_lettered      integer     NOT NULL,
  skipped_replayed   integer     NOT NULL,
  offsets            jsonb       NOT NULL,             -- [{topic, partition, next_offset}]
  policy_versions    text[]      NOT NULL,
  key_ids            text[]      NOT NULL
);
