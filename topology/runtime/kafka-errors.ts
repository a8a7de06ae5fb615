import { findErrorBy } from "@platformatic/kafka";

/**
 * What the runtime does about an error from the Kafka client:
 * - `fatal`: retrying cannot help and carrying on could break a guarantee (a newer replica fenced this one,
 *   credentials or permissions refused, a record the broker will never accept, a client misconfiguration). The
 *   pipeline stops with a coded message; the orchestrator restarts it once the cause is fixed.
 * - `rejoin`: the group rebalanced under us; the batch is taken again under the new assignment.
 * - `transient`: everything else (broker unreachable or restarting, coordinator moving, leader elections, timeouts).
 *   Retried with backoff for as long as it lasts; the replica reports not-ready meanwhile.
 * Each answer carries a cause code from a closed set (metric labels and logs).
 */
export type KafkaErrorKind = "fatal" | "rejoin" | "transient";

export interface KafkaErrorClass {
  kind: KafkaErrorKind;
  code: KafkaCauseCode;
}

export const KAFKA_CAUSE_CODES = [
  "KAFKA_UNREACHABLE",
  "KAFKA_COORDINATOR_MOVED",
  "KAFKA_LEADER_MOVED",
  "KAFKA_REBALANCE",
  "KAFKA_BROKER_ERROR",
  "KAFKA_TOPIC_UNKNOWN",
  "KAFKA_FENCED",
  "KAFKA_AUTH_REFUSED",
  "KAFKA_RECORD_TOO_LARGE",
  "KAFKA_MISCONFIGURED",
] as const;
export type KafkaCauseCode = (typeof KAFKA_CAUSE_CODES)[number];

const FATAL_API_IDS: ReadonlyMap<string, KafkaCauseCode> = new Map([
  ["PRODUCER_FENCED", "KAFKA_FENCED"],
  ["TRANSACTIONAL_ID_AUTHORIZATION_FAILED", "KAFKA_AUTH_REFUSED"],
  ["TOPIC_AUTHORIZATION_FAILED", "KAFKA_AUTH_REFUSED"],
  ["GROUP_AUTHORIZATION_FAILED", "KAFKA_AUTH_REFUSED"],
  ["CLUSTER_AUTHORIZATION_FAILED", "KAFKA_AUTH_REFUSED"],
  ["SASL_AUTHENTICATION_FAILED", "KAFKA_AUTH_REFUSED"],
  ["UNSUPPORTED_SASL_MECHANISM", "KAFKA_AUTH_REFUSED"],
  ["ILLEGAL_SASL_STATE", "KAFKA_AUTH_REFUSED"],
  ["MESSAGE_TOO_LARGE", "KAFKA_RECORD_TOO_LARGE"],
  ["RECORD_LIST_TOO_LARGE", "KAFKA_RECORD_TOO_LARGE"],
  ["INVALID_TOPIC_EXCEPTION", "KAFKA_MISCONFIGURED"],
  ["INVALID_REQUIRED_ACKS", "KAFKA_MISCONFIGURED"],
  ["INVALID_GROUP_ID", "KAFKA_MISCONFIGURED"],
  ["INVALID_SESSION_TIMEOUT", "KAFKA_MISCONFIGURED"],
  ["INVALID_TRANSACTION_TIMEOUT", "KAFKA_MISCONFIGURED"],
  ["UNSUPPORTED_VERSION", "KAFKA_MISCONFIGURED"],
  ["UNSUPPORTED_COMPRESSION_TYPE", "KAFKA_MISCONFIGURED"],
  ["FENCED_INSTANCE_ID", "KAFKA_MISCONFIGURED"],
]);

/** Client-side errors that mean the code or its configuration is wrong, not the world. */
const FATAL_CLIENT_CODES: ReadonlyMap<string, KafkaCauseCode> = new Map([
  ["PLT_KFK_AUTHENTICATION", "KAFKA_AUTH_REFUSED"],
  ["PLT_KFK_USER", "KAFKA_MISCONFIGURED"],
  ["PLT_KFK_UNSUPPORTED", "KAFKA_MISCONFIGURED"],
  ["PLT_KFK_UNSUPPORTED_API", "KAFKA_MISCONFIGURED"],
  ["PLT_KFK_UNSUPPORTED_COMPRESSION", "KAFKA_MISCONFIGURED"],
]);

const COORDINATOR = /COORDINATOR/;
const LEADER = /LEADER|REPLICA|UNKNOWN_TOPIC_OR_PARTITION|UNKNOWN_TOPIC_ID|NOT_ENOUGH_REPLICAS/;

interface Leaf {
  message?: unknown;
  code?: unknown;
  apiId?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** The error and everything it wraps (AggregateError members and causes), depth-limited. */
function leaves(error: unknown, depth = 0, out: Leaf[] = []): Leaf[] {
  if (typeof error !== "object" || error === null || depth > 6) return out;
  const e = error as Leaf;
  out.push(e);
  if (Array.isArray(e.errors)) for (const inner of e.errors) leaves(inner, depth + 1, out);
  if (e.cause !== undefined) leaves(e.cause, depth + 1, out);
  return out;
}

/** The client's own error for a topic its metadata does not have (auto-creation is off): the topic was deleted. */
const UNKNOWN_TOPIC = /^Unknown topic /;

export function classifyKafkaError(error: unknown): KafkaErrorClass {
  const all = leaves(error);
  // A topic that disappears while running (a dead-letter topic deleted by mistake) is waited for, not fatal: the
  // batch cannot commit, consumption stalls and the replica reports not ready until the topic is recreated.
  if (all.some((l) => typeof l.message === "string" && UNKNOWN_TOPIC.test(l.message)))
    return { kind: "transient", code: "KAFKA_TOPIC_UNKNOWN" };
  for (const leaf of all) {
    const fatal =
      (typeof leaf.apiId === "string" && FATAL_API_IDS.get(leaf.apiId)) ||
      (typeof leaf.code === "string" && FATAL_CLIENT_CODES.get(leaf.code));
    if (fatal) return { kind: "fatal", code: fatal };
  }
  if (findErrorBy(error as Error, "needsRejoin", true)) return { kind: "rejoin", code: "KAFKA_REBALANCE" };
  const apiIds = all.map((l) => l.apiId).filter((id): id is string => typeof id === "string");
  if (apiIds.some((id) => COORDINATOR.test(id)))
    return { kind: "transient", code: "KAFKA_COORDINATOR_MOVED" };
  if (apiIds.some((id) => LEADER.test(id))) return { kind: "transient", code: "KAFKA_LEADER_MOVED" };
  if (apiIds.length > 0) return { kind: "transient", code: "KAFKA_BROKER_ERROR" };
  // Network errors, timeouts, connections refused or reset, and anything unrecognised: the broker may come back.
  return { kind: "transient", code: "KAFKA_UNREACHABLE" };
}
