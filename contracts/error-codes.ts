/**
 * Every error code the pipeline, its commands and its local stack can report, in one closed catalogue. A code is
 * `transient` (the world is briefly wrong: retried with backoff, never dead-lettered) or `permanent` (retrying
 * cannot help: a record goes to the dead-letter branch, or the process stops at start-up). Each entry carries the
 * runbook's sentence: what it means and what to do. docs/runbook.md lists every code (a test checks it).
 *
 * Messages built around these codes name fields, settings, topics and positions, never record values.
 */

export type ErrorClass = "transient" | "permanent";

export interface CodeInfo {
  readonly class: ErrorClass;
  /** Where the code shows up: a dead letter, a retry, a fatal stop, or a command's exit. */
  readonly seen: "dead letter" | "retry" | "stop" | "command";
  /** One sentence for the runbook: what it means and what to do. */
  readonly runbook: string;
}

const c = (cls: ErrorClass, seen: CodeInfo["seen"], runbook: string): CodeInfo => ({
  class: cls,
  seen,
  runbook,
});

export const ERROR_CODES = {
  // ---- records that cannot be decoded (dead letter; the producing system must change) ----
  RECORD_EMPTY: c("permanent", "dead letter", "The record has no value bytes; fix the producing system."),
  RECORD_OVERSIZE: c(
    "permanent",
    "dead letter",
    "The record is larger than MAX_RECORD_BYTES; fix the producer, or raise the limit after checking memory.",
  ),
  SCHEMA_WRONG_MAGIC: c(
    "permanent",
    "dead letter",
    "The bytes are not registry-framed Avro (wrong magic byte); the producer is not using the schema registry serialiser.",
  ),
  SCHEMA_UNKNOWN_ID: c(
    "permanent",
    "dead letter",
    "The schema id in the record is not in the registry; check the producer's registry URL, register the schema, then replay.",
  ),
  SCHEMA_NOT_AVRO: c(
    "permanent",
    "dead letter",
    "The registry returned a schema that is not Avro for the record's id; the producer uses the wrong subject.",
  ),
  AVRO_TRUNCATED: c(
    "permanent",
    "dead letter",
    "The Avro body ends early for its writer schema; the producer wrote corrupt or mis-framed bytes.",
  ),
  AVRO_TRAILING_BYTES: c(
    "permanent",
    "dead letter",
    "Bytes are left over after the Avro record; the producer framed the record wrongly.",
  ),
  AVRO_INVALID_UTF8: c(
    "permanent",
    "dead letter",
    "A string field is not valid UTF-8 (it is refused, never repaired); fix the producing system's encoding.",
  ),
  AVRO_DECODE_FAILED: c(
    "permanent",
    "dead letter",
    "The Avro body could not be decoded against its writer schema; inspect the dead letter on the restricted topic.",
  ),
  AVRO_ENCODE_FAILED: c(
    "permanent",
    "dead letter",
    "An anonymised record did not fit the anonymised schema (a policy/schema mismatch); fix the policy, deploy, replay.",
  ),
  SCHEMA_INCOMPATIBLE: c(
    "permanent",
    "command",
    "The registry refused a schema as incompatible with the subject's history; make the change compatible (docs/policy.md).",
  ),
  SCHEMA_NOT_REGISTERED: c(
    "permanent",
    "stop",
    "The anonymised output schema is not registered; run `npm run schemas:register` before starting the pipeline.",
  ),
  REGISTRY_UNAVAILABLE: c(
    "transient",
    "retry",
    "The schema registry did not answer in time or answered 5xx; retried with backoff. Check the registry's health.",
  ),
  REGISTRY_REFUSED: c(
    "permanent",
    "command",
    "The registry refused a registration or a subject look-up with a 4xx status other than not-found or incompatible (authentication, permissions, a malformed request); the message gives the status. Fix the credentials in SCHEMA_REGISTRY_URL or the registry's permissions; retrying cannot help.",
  ),

  // ---- the privacy policy (start-up stops; records dead-lettered) ----
  ANON_SCHEMA_INVALID: c("permanent", "stop", "The raw schema is not an Avro record schema; fix schemas/."),
  ANON_POLICY_MISSING: c(
    "permanent",
    "stop",
    "A field of the raw schema has no x-anonymise policy; add one (docs/policy.md). The pipeline will not start without it.",
  ),
  ANON_POLICY_INVALID: c(
    "permanent",
    "stop",
    "A policy annotation has missing or invalid parameters; the message names the field and the rule broken.",
  ),
  ANON_POLICY_VERSION_MISSING: c("permanent", "stop", "The raw schema declares no policy version; add it."),
  ANON_UNKNOWN_OPERATOR: c(
    "permanent",
    "stop",
    "A policy names an operator that does not exist; correct the operator name in the schema.",
  ),
  ANON_OUTPUT_MISMATCH: c(
    "permanent",
    "stop",
    "The compiled policy's outputs do not match the anonymised schema's fields; change both in the same release.",
  ),
  ANON_STRATEGY_INVALID: c(
    "permanent",
    "stop",
    "ANONYMISATION_STRATEGY is not pseudonymisation or redaction.",
  ),
  ANON_KEYRING_INVALID: c(
    "permanent",
    "stop",
    "The HMAC keyring is malformed or a key is shorter than 32 bytes; fix the secret (docs/policy.md, keys).",
  ),
  ANON_FIELD_UNKNOWN: c(
    "permanent",
    "dead letter",
    "A writer schema or record has a field the policy does not know; it is refused, never passed through. Add the field and its policy, deploy, replay.",
  ),
  ANON_FIELD_MISSING: c(
    "permanent",
    "dead letter",
    "A record lacks a field the policy needs; fix the producer.",
  ),
  ANON_VALUE_INVALID: c(
    "permanent",
    "dead letter",
    "The policy refused a field value (wrong type, outside the allowed codes or pattern); usually the source data, sometimes the policy needs a new allowed value.",
  ),
  ANON_TEXT_TOO_LONG: c(
    "permanent",
    "dead letter",
    "A free-text field exceeds the scanning cap; it is refused rather than truncated. Raise maxLength in the policy if the notes are genuine.",
  ),
  ANON_RECORD_INVALID: c("permanent", "dead letter", "The decoded value is not a record; fix the producer."),
  ANON_INTERNAL: c(
    "permanent",
    "dead letter",
    "An unexpected error inside an operator (a bug); the record was withheld from research outputs. Report it with the dead letter's position.",
  ),

  // ---- the stream runtime ----
  DESERIALIZATION_FAILED: c(
    "permanent",
    "dead letter",
    "An unexpected error while decoding a record (not one of our codes); inspect the dead letter and report it.",
  ),
  PROCESSING_FAILED: c(
    "permanent",
    "dead letter",
    "An unexpected error while processing a record (not one of our codes); inspect the dead letter and report it.",
  ),
  TOPOLOGY_FAILED: c(
    "permanent",
    "stop",
    "The pipeline stopped rather than skip or duplicate a record (fenced producer, output too large, a wiring fault); the message says which. Restart once the cause is fixed.",
  ),
  KAFKA_TRANSACTION: c(
    "transient",
    "retry",
    "A Kafka transaction failed and is retried with a new attempt; persistent retries mean the broker is unhealthy.",
  ),
  STORE_TRANSIENT: c(
    "transient",
    "retry",
    "The external store reported a transient failure; retried with backoff.",
  ),
  SINK_UNAVAILABLE: c(
    "transient",
    "retry",
    "PostgreSQL is down, restarting or unreachable; batches are retried with backoff and consumption pauses. Check the database.",
  ),
  KAFKA_UNREACHABLE: c(
    "transient",
    "retry",
    "The broker cannot be reached or timed out (outage, restart, network). The pipeline retries consumption, commits and its start-up checks with backoff for as long as it lasts and reports not ready; a command (topics:create, dlq:replay, produce) gives up after its deadlines (connect 5 s, each request KAFKA_ADMIN_TIMEOUT_MS, 2 retries) and exits 1. Check the brokers, KAFKA_BOOTSTRAP_SERVERS and the network.",
  ),
  KAFKA_COORDINATOR_MOVED: c(
    "transient",
    "retry",
    "The group or transaction coordinator is moving or loading (broker restart, leader change); retried.",
  ),
  KAFKA_LEADER_MOVED: c(
    "transient",
    "retry",
    "A partition has no available leader or an unknown topic (a restart, or a topic deleted); retried until it is back. A deleted topic must be recreated.",
  ),
  KAFKA_REBALANCE: c(
    "transient",
    "retry",
    "The consumer group rebalanced under a batch; the batch is taken again under the new assignment. Frequent: check replica restarts and session timeouts.",
  ),
  KAFKA_BROKER_ERROR: c(
    "transient",
    "retry",
    "The broker answered with a retriable error; retried with backoff.",
  ),
  KAFKA_TOPIC_UNKNOWN: c(
    "transient",
    "retry",
    "A topic the pipeline uses is unknown to the broker while running (deleted, or not yet propagated); consumption or commits wait, not ready, and resume once it exists again. Recreate it with npm run topics:create.",
  ),
  KAFKA_FENCED: c(
    "permanent",
    "stop",
    "A newer replica with the same transactional id (INSTANCE_ID) fenced this one; two replicas share an INSTANCE_ID, or this one was replaced. Give each replica its own id.",
  ),
  KAFKA_AUTH_REFUSED: c(
    "permanent",
    "stop",
    "The broker refused authentication or an ACL (topic, group or transactional id); fix the credentials or grants, then restart.",
  ),
  KAFKA_RECORD_TOO_LARGE: c(
    "permanent",
    "stop",
    "The broker refused an output record as too large; the pipeline stops rather than skip it. Lower MAX_RECORD_BYTES or raise the topic's max.message.bytes.",
  ),
  KAFKA_MISCONFIGURED: c(
    "permanent",
    "stop",
    "The Kafka client or broker reports a configuration or usage error (invalid topic, timeouts, unsupported version); fix the configuration.",
  ),

  // ---- start-up and configuration ----
  CONFIG_INVALID: c(
    "permanent",
    "stop",
    "A setting is missing or invalid; the message names the environment variable. Fix it and start again.",
  ),
  SINK_TABLE_MISMATCH: c(
    "permanent",
    "stop",
    "The research table lacks a column (or has the wrong type) for a field of the anonymised schema; add a migration in sinks/migrations, then start again.",
  ),
  KAFKA_TOPIC_MISSING: c(
    "permanent",
    "stop",
    "A topic the pipeline needs does not exist; run `npm run topics:create` (or the Terraform that creates them).",
  ),
  KAFKA_REQUEST_REFUSED: c(
    "permanent",
    "command",
    "A broker answered a command's request with an error a retry cannot change (authorisation, invalid topic settings); the message names the operation and the broker's error code.",
  ),
  DB_TIMEOUT: c(
    "transient",
    "retry",
    "A PostgreSQL statement ran longer than DB_STATEMENT_TIMEOUT_MS, or the server sent no answer for 10 s beyond it; the batch is retried with backoff, never dead-lettered. If it persists, look for lock waits or an overloaded database, or raise the setting for very large batches.",
  ),

  // ---- the file command (anonymise-file): per-line failures ----
  JSON_INVALID: c("permanent", "command", "An input line is not valid JSON."),
  JSON_NOT_OBJECT: c("permanent", "command", "An input line is JSON but not an object."),
  JSON_FIELD_UNKNOWN: c("permanent", "command", "An input line has a field the raw schema does not have."),
  JSON_FIELD_MISSING: c("permanent", "command", "An input line lacks a field the raw schema requires."),
  JSON_VALUE_INVALID: c("permanent", "command", "An input line has a value of the wrong type for its field."),
  LINE_TOO_LONG: c("permanent", "command", "An input line exceeds the command's line length cap."),

  // ---- the local development stack ----
  STACK_JAVA_MISSING: c(
    "permanent",
    "command",
    "No JDK of the version needed was found; install Java 21+ or set STACK_JAVA_HOME.",
  ),
  STACK_MAVEN_MISSING: c(
    "permanent",
    "command",
    "Maven is needed to fetch Kafka and the registry; install it.",
  ),
  STACK_DOWNLOAD_FAILED: c(
    "transient",
    "command",
    "Fetching the Kafka or registry artefacts failed; check access to the package registry and try again.",
  ),
  STACK_PORT_TAKEN: c(
    "permanent",
    "command",
    "A port the local stack needs is in use; stop what holds it or set STACK_PORT_BASE.",
  ),
  STACK_START_FAILED: c(
    "permanent",
    "command",
    "A stack process exited during start-up; its log path is in the message.",
  ),
  STACK_NOT_READY: c(
    "transient",
    "command",
    "A stack process started but did not become ready in time; see its log, then `npm run stack:down` and retry.",
  ),
  STACK_CONFIG_INVALID: c("permanent", "command", "A STACK_* variable is invalid; the message names it."),
  STACK_ENGINE_UNAVAILABLE: c(
    "permanent",
    "command",
    "STACK_MODE=containers was asked for but no container engine answers on DOCKER_HOST; run `npm run containers:setup`.",
  ),
  STACK_IMAGE_BUILD_FAILED: c(
    "permanent",
    "command",
    "Building a local image failed (mmdebstrap, podman build or an artefact fetch); the message has the command's output.",
  ),
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}
