import { describe, expect, it } from "vitest";
import { isErrorCode } from "../../contracts/index.ts";
import { KAFKA_CAUSE_CODES } from "../../topology/runtime/kafka-errors.ts";

describe("Kafka cause codes", () => {
  it("are all in the error catalogue (and so in the runbook)", () => {
    for (const code of KAFKA_CAUSE_CODES) expect(isErrorCode(code), code).toBe(true);
  });
});
