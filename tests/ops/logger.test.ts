import { describe, expect, it } from "vitest";
import { ConfigError } from "../../ops/config.ts";
import { createLogger, errorFields, LOG_FIELDS, type LogFields } from "../../ops/logger.ts";
import { SchemaError } from "../../schemas/errors.ts";
import { PermanentRecordError, TopologyFailedError, TransientError } from "../../topology/dsl/errors.ts";

/** Values from a patient record: none may ever appear in a log line. */
const NHS_NUMBER = "943 476 5919";
const NAME = "Margaret Thornton";

/** A pino destination that keeps every line written, raw and parsed. */
function collect(level?: string) {
  const raw: string[] = [];
  const logger = createLogger({
    ...(level ? { level } : {}),
    destination: {
      write(line: string) {
        raw.push(line);
      },
    },
  });
  return {
    logger,
    raw,
    lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("createLogger", () => {
  it("writes one JSON line per event with level, service, time and the allowed fields", () => {
    const { logger, lines } = collect();
    logger.info("batch.committed", { records: 3, anonymised: 2, withheld: 1, durationMs: 12 });
    const [line] = lines();
    expect(line).toMatchObject({
      level: "info",
      service: "anonymiser",
      event: "batch.committed",
      records: 3,
      anonymised: 2,
      withheld: 1,
      durationMs: 12,
    });
    expect(typeof line?.["time"]).toBe("string");
    expect(line).not.toHaveProperty("droppedFields");
    expect(line).not.toHaveProperty("msg");
  });

  it("drops unknown fields, lists them by name, and never prints their values", () => {
    const { logger, raw, lines } = collect();
    logger.warn("record.odd", {
      offset: 7,
      nhs_number: NHS_NUMBER,
      patient: { name: NAME },
      msg: NAME,
    } as LogFields);
    const [line] = lines();
    expect(line).toMatchObject({ level: "warn", event: "record.odd", offset: 7 });
    expect(line?.["droppedFields"]).toEqual(["nhs_number", "patient", "msg"]);
    expect(line).not.toHaveProperty("nhs_number");
    expect(line).not.toHaveProperty("patient");
    expect(line).not.toHaveProperty("msg");
    expect(raw.join("")).not.toContain(NHS_NUMBER);
    expect(raw.join("")).not.toContain("Margaret");
  });

  it("cannot be made to overwrite the event or the level through fields", () => {
    const { logger, lines } = collect();
    logger.info("real.event", { event: "forged.event", level: "fatal" } as LogFields);
    const [line] = lines();
    expect(line?.["event"]).toBe("real.event");
    expect(line?.["level"]).toBe("info");
    expect(line?.["droppedFields"]).toEqual(["level"]);
  });

  it("writes bigint offsets as strings", () => {
    const { logger, lines } = collect();
    logger.info("offsets", { offset: 9_007_199_254_740_993n, partition: 2 });
    expect(lines()[0]).toMatchObject({ offset: "9007199254740993", partition: 2 });
  });

  it("honours the level", () => {
    const { logger, lines } = collect("warn");
    logger.debug("a");
    logger.info("b");
    logger.warn("c");
    logger.error("d");
    logger.fatal("e");
    expect(lines().map((l) => [l["event"], l["level"]])).toEqual([
      ["c", "warn"],
      ["d", "error"],
      ["e", "fatal"],
    ]);
  });

  it("writes events without fields", () => {
    const { logger, lines } = collect("debug");
    logger.debug("started");
    expect(lines()[0]).toMatchObject({ event: "started", level: "debug" });
  });

  it("allows exactly the documented fields", () => {
    const { logger, lines } = collect();
    const every = Object.fromEntries(LOG_FIELDS.map((f, i) => [f, i])) as LogFields;
    logger.info("all", every);
    const [line] = lines();
    expect(line).not.toHaveProperty("droppedFields");
    for (const field of LOG_FIELDS) {
      if (field !== "event") expect(line).toHaveProperty(field);
    }
  });
});

describe("errorFields", () => {
  it.each([
    ["SchemaError", new SchemaError("AVRO_TRUNCATED", "record body ends early for schema 3")],
    [
      "transient SchemaError",
      new SchemaError("REGISTRY_UNAVAILABLE", "registry answered 503", { transient: true }),
    ],
    ["PermanentRecordError", new PermanentRecordError("ITEM_BAD", "refused on field gender")],
    ["TransientError", new TransientError("DB_DOWN", "database restarting")],
  ])("keeps the message of our flagged errors (%s)", (_label, error) => {
    expect(errorFields(error)).toEqual({
      errorName: error.name,
      errorCode: error.code,
      safeMessage: error.message,
    });
  });

  it("keeps the message of our named start-up errors", () => {
    expect(errorFields(new ConfigError("HTTP_PORT", "must be an integer"))).toEqual({
      errorName: "ConfigError",
      errorCode: "CONFIG_INVALID",
      safeMessage: "CONFIG_INVALID: HTTP_PORT must be an integer",
    });
    expect(errorFields(new TopologyFailedError("processing failed at t/0@1 (X)")).safeMessage).toBe(
      "processing failed at t/0@1 (X)",
    );
  });

  it("never keeps the message of a plain Error, even one with a code", () => {
    const plain = new Error(`duplicate key value (nhs_number)=(${NHS_NUMBER})`);
    expect(errorFields(plain)).toEqual({ errorName: "Error" });
    const driver = Object.assign(new Error(`invalid input syntax: "${NAME}"`), { code: "22P02" });
    expect(errorFields(driver)).toEqual({ errorName: "Error", errorCode: "22P02" });
  });

  it("never keeps a parser's message that quotes its input", () => {
    let parseError: unknown;
    try {
      JSON.parse(`{"nhs_number": "${NHS_NUMBER}"`);
    } catch (error) {
      parseError = error;
    }
    const fields = errorFields(parseError);
    expect(fields).toEqual({ errorName: "SyntaxError" });
    expect(JSON.stringify(fields)).not.toContain(NHS_NUMBER);
  });

  it("does not trust a flag that is not exactly true", () => {
    const spoof = Object.assign(new Error(NAME), { permanent: "true", transient: 1, code: "X" });
    expect(errorFields(spoof)).toEqual({ errorName: "Error", errorCode: "X" });
  });

  it("describes non-objects by their type only", () => {
    expect(errorFields(NHS_NUMBER)).toEqual({ errorName: "string" });
    expect(errorFields(undefined)).toEqual({ errorName: "undefined" });
    expect(errorFields(null)).toEqual({ errorName: "object" });
  });

  it("end to end: a third-party error logged with errorFields leaves no value in the line", () => {
    const { logger, raw, lines } = collect();
    logger.error("store.commit_failed", {
      ...errorFields(new TypeError(`cannot read ${NHS_NUMBER}`)),
      attempt: 2,
    });
    expect(lines()[0]).toMatchObject({ errorName: "TypeError", attempt: 2, level: "error" });
    expect(raw.join("")).not.toContain(NHS_NUMBER);
  });
});
