import { MultipleErrors, ProtocolError, TimeoutError } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import {
  ensureTopics,
  KAFKA_DEADLINES,
  kafkaCommandError,
  kafkaDeadlineOptions,
  kafkaDeadlines,
  missingTopics,
  operationDeadlineMs,
} from "../../ops/kafka-admin.ts";
import { blackHole, cleanupsAfterEach, eventually, silentServer, timed } from "../support/stand-ins.ts";

/** "It returned at all": far above the deadlines under test, far below a hang. */
const RETURNED = 20_000;
const SHORT = kafkaDeadlines(400);

const cleanups = cleanupsAfterEach();

describe("Kafka admin deadlines", () => {
  it("defaults: 5 s to connect, 10 s per request, 2 retries; one operation is cut off after 36 s", () => {
    expect(KAFKA_DEADLINES).toEqual({ connectMs: 5_000, requestMs: 10_000, retries: 2, retryDelayMs: 500 });
    expect(operationDeadlineMs()).toBe(36_000);
    expect(kafkaDeadlines(2_000)).toMatchObject({ connectMs: 2_000, requestMs: 2_000 });
    // The socket's response deadline is requestTimeout; `timeout` is the broker-side wait, kept shorter.
    expect(kafkaDeadlineOptions()).toEqual({
      connectTimeout: 5_000,
      requestTimeout: 10_000,
      timeout: 9_000,
      retries: 2,
      retryDelay: 500,
    });
  });

  it.each([
    ["missingTopics (start-up check)", (b: string[]) => missingTopics(b, ["t"], { deadlines: SHORT })],
    [
      "ensureTopics (topics:create)",
      (b: string[]) => ensureTopics(b, [{ name: "t", partitions: 1 }], { deadlines: SHORT }),
    ],
  ])(
    "%s: a broker that accepts TCP and never answers → KAFKA_UNREACHABLE, every connection closed",
    async (_, call) => {
      const broker = await silentServer();
      cleanups.push(() => broker.close());
      const { error, ms } = await timed(() => call([`127.0.0.1:${broker.port}`]));
      expect(error).toMatchObject({ code: "KAFKA_UNREACHABLE", transient: true });
      expect(ms).toBeLessThan(RETURNED);
      expect(broker.accepted()).toBeGreaterThan(0);
      expect(await eventually(() => broker.open() === 0)).toBe(true);
    },
  );

  it("a broker address where connecting hangs, and one that refuses: KAFKA_UNREACHABLE", async () => {
    const hole = await blackHole();
    cleanups.push(() => hole.close());
    const hung = await timed(() => missingTopics([`127.0.0.1:${hole.port}`], ["t"], { deadlines: SHORT }));
    expect(hung.error).toMatchObject({ code: "KAFKA_UNREACHABLE" });
    expect(hung.ms).toBeLessThan(RETURNED);
    const closed = await silentServer();
    await closed.close();
    const refused = await timed(() =>
      missingTopics([`127.0.0.1:${closed.port}`], ["t"], { deadlines: SHORT }),
    );
    expect(refused.error).toMatchObject({ code: "KAFKA_UNREACHABLE" });
    expect(refused.ms).toBeLessThan(RETURNED);
  });

  it("a broker's definite refusal is KAFKA_REQUEST_REFUSED naming the protocol error, never its message text", () => {
    const refusal = new MultipleErrors("Creating topics failed.", [
      new ProtocolError("TOPIC_AUTHORIZATION_FAILED"),
    ]);
    const error = kafkaCommandError(refusal, "creating topics");
    expect(error).toMatchObject({ code: "KAFKA_REQUEST_REFUSED", permanent: true });
    expect(error.message).toBe(
      "KAFKA_REQUEST_REFUSED: the broker refused creating topics (TOPIC_AUTHORIZATION_FAILED)",
    );
    const timeout = kafkaCommandError(
      new MultipleErrors("x", [new TimeoutError("Request timed out")]),
      "listing",
    );
    expect(timeout).toMatchObject({ code: "KAFKA_UNREACHABLE", transient: true });
  });
});
