import { MultipleErrors, NetworkError, ProtocolError, TimeoutError, UserError } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { classifyKafkaError } from "../../topology/runtime/kafka-errors.ts";

describe("classifyKafkaError", () => {
  it.each([
    ["PRODUCER_FENCED", "KAFKA_FENCED"],
    ["SASL_AUTHENTICATION_FAILED", "KAFKA_AUTH_REFUSED"],
    ["TOPIC_AUTHORIZATION_FAILED", "KAFKA_AUTH_REFUSED"],
    ["TRANSACTIONAL_ID_AUTHORIZATION_FAILED", "KAFKA_AUTH_REFUSED"],
    ["MESSAGE_TOO_LARGE", "KAFKA_RECORD_TOO_LARGE"],
    ["RECORD_LIST_TOO_LARGE", "KAFKA_RECORD_TOO_LARGE"],
    ["INVALID_TOPIC_EXCEPTION", "KAFKA_MISCONFIGURED"],
  ])("stops on %s (%s)", (apiId, code) => {
    expect(classifyKafkaError(new ProtocolError(apiId))).toEqual({ kind: "fatal", code });
  });

  it("finds a fatal error inside an aggregate of otherwise retriable ones", () => {
    const error = new MultipleErrors("Producing failed.", [
      new NetworkError("Connection closed"),
      new ProtocolError("PRODUCER_FENCED"),
    ]);
    expect(classifyKafkaError(error).kind).toBe("fatal");
  });

  it("waits for a topic that was deleted while running instead of stopping", () => {
    const error = new MultipleErrors("Producing failed.", [
      new UserError("Unknown topic patient-records-dlq."),
    ]);
    expect(classifyKafkaError(error)).toEqual({ kind: "transient", code: "KAFKA_TOPIC_UNKNOWN" });
  });

  it("treats refused credentials and client misuse as fatal", () => {
    expect(classifyKafkaError(new UserError("bad option")).kind).toBe("fatal");
  });

  it.each([
    ["a refused connection", new NetworkError("Connection to 127.0.0.1:9092 refused")],
    ["a timeout", new TimeoutError("Request timed out")],
    [
      "every broker unreachable (the error seen when a long outage stopped every replica)",
      new MultipleErrors("Cannot connect to any broker.", [new NetworkError("a"), new NetworkError("b")]),
    ],
    [
      "a plain error from the socket layer",
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
    ],
  ])("retries %s as KAFKA_UNREACHABLE", (_what, error) => {
    expect(classifyKafkaError(error)).toEqual({ kind: "transient", code: "KAFKA_UNREACHABLE" });
  });

  it.each([
    ["NOT_COORDINATOR", "KAFKA_COORDINATOR_MOVED"],
    ["COORDINATOR_NOT_AVAILABLE", "KAFKA_COORDINATOR_MOVED"],
    ["COORDINATOR_LOAD_IN_PROGRESS", "KAFKA_COORDINATOR_MOVED"],
    ["NOT_LEADER_OR_FOLLOWER", "KAFKA_LEADER_MOVED"],
    ["LEADER_NOT_AVAILABLE", "KAFKA_LEADER_MOVED"],
    ["UNKNOWN_TOPIC_OR_PARTITION", "KAFKA_LEADER_MOVED"],
    ["REQUEST_TIMED_OUT", "KAFKA_BROKER_ERROR"],
  ])("retries %s as %s", (apiId, code) => {
    expect(classifyKafkaError(new ProtocolError(apiId))).toEqual({ kind: "transient", code });
  });

  it("recognises a rebalance (the batch is taken again under the new assignment)", () => {
    for (const apiId of ["ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID", "REBALANCE_IN_PROGRESS"]) {
      expect(classifyKafkaError(new ProtocolError(apiId)), apiId).toEqual({
        kind: "rejoin",
        code: "KAFKA_REBALANCE",
      });
    }
  });
});
