import pino, { type Logger as PinoLogger } from "pino";
import { CodedError } from "../contracts/index.ts";

/**
 * Structured JSON logs, allow-listed: only these fields are ever written. Record values cannot reach a log line
 * because there is no field to put them in; an unknown field is dropped (and the drop itself is logged by name).
 */
export const LOG_FIELDS = [
  "event",
  "topic",
  "partition",
  "offset",
  "offsets",
  "code",
  "reason",
  "errorName",
  "errorCode",
  "safeMessage",
  "count",
  "records",
  "anonymised",
  "withheld",
  "deadLettered",
  "dropped",
  "skipped",
  "durationMs",
  "attempt",
  "delayMs",
  "generation",
  "partitions",
  "schemaId",
  "field",
  "keyId",
  "policyVersion",
  "strategy",
  "pipelineVersion",
  "groupId",
  "instanceId",
  "port",
  "state",
  "signal",
  "config",
  "applied",
  "url",
] as const;

export type LogField = (typeof LOG_FIELDS)[number];
export type LogFields = Partial<Record<LogField, unknown>>;

const ALLOWED = new Set<string>(LOG_FIELDS);

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  fatal(event: string, fields?: LogFields): void;
}

function allowListed(fields: LogFields | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (ALLOWED.has(key)) out[key] = typeof value === "bigint" ? value.toString() : value;
    else dropped.push(key);
  }
  if (dropped.length > 0) out["droppedFields"] = dropped;
  return out;
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const base: PinoLogger = pino(
    {
      level: options.level ?? "info",
      base: { service: "anonymiser" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination,
  );
  const write =
    (level: "debug" | "info" | "warn" | "error" | "fatal") => (event: string, fields?: LogFields) =>
      base[level]({ ...allowListed(fields), event });
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    fatal: write("fatal"),
  };
}

/**
 * What may be said about an error. Our own error classes carry value-free messages by construction; anything else
 * (database drivers and parsers quote input values) is reduced to its name and code.
 */
export function errorFields(error: unknown): LogFields {
  if (typeof error !== "object" || error === null) return { errorName: typeof error };
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    permanent?: unknown;
    transient?: unknown;
  };
  const ours = error instanceof CodedError;
  const causes: string[] = [];
  let cause = (error as { cause?: unknown }).cause;
  for (let depth = 0; cause && typeof cause === "object" && depth < 5; depth++) {
    const c = cause as { name?: unknown; code?: unknown; apiId?: unknown; errors?: unknown };
    // Codes and protocol error ids only: they are constants, never record content.
    causes.push(
      [c.name, c.code, c.apiId].filter((x) => typeof x === "string" || typeof x === "number").join(":"),
    );
    if (Array.isArray(c.errors)) {
      for (const inner of c.errors.slice(0, 3)) {
        const i = inner as { code?: unknown; apiId?: unknown };
        causes.push([i.code, i.apiId].filter((x) => typeof x === "string").join(":"));
      }
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return {
    ...(causes.length > 0 ? { reason: causes.join(" <- ") } : {}),
    errorName: typeof e.name === "string" ? e.name : "Error",
    ...(typeof e.code === "string" || typeof e.code === "number" ? { errorCode: e.code } : {}),
    ...(ours && typeof e.message === "string" ? { safeMessage: e.message } : {}),
  };
}
