import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { CodedError } from "../contracts/index.ts";

/**
 * One typed, validated, frozen configuration, read once at start-up from environment variables. A bad setting stops start-up with a message
 * naming it. Secrets are read from files or env and never printed: `describeConfig()` masks them.
 */
export class ConfigError extends CodedError {
  readonly setting: string;
  constructor(setting: string, problem: string) {
    super("CONFIG_INVALID", `CONFIG_INVALID: ${setting} ${problem}`);
    this.setting = setting;
  }
}

type Env = Record<string, string | undefined>;

interface Setting<T> {
  name: string;
  description: string;
  default?: string;
  secret?: boolean;
  required?: boolean;
  parse(raw: string | undefined, env: Env): T;
}

const str = (name: string, description: string, fallback?: string): Setting<string> => ({
  name,
  description,
  ...(fallback === undefined ? {} : { default: fallback }),
  parse(raw) {
    const value = raw?.trim() || fallback;
    if (!value) throw new ConfigError(name, "is required");
    return value;
  },
});

const int = (
  name: string,
  description: string,
  fallback: number,
  min: number,
  max: number,
): Setting<number> => ({
  name,
  description,
  default: String(fallback),
  parse(raw) {
    if (raw === undefined || raw.trim() === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(name, `must be an integer between ${min} and ${max}`);
    }
    return value;
  },
});

const oneOf = <T extends string>(
  name: string,
  description: string,
  values: readonly T[],
  fallback: T,
): Setting<T> => ({
  name,
  description,
  default: fallback,
  parse(raw) {
    const value = raw?.trim() || fallback;
    if (!(values as readonly string[]).includes(value))
      throw new ConfigError(name, `must be one of ${values.join(", ")}`);
    return value as T;
  },
});

const bool = (name: string, description: string, fallback: boolean): Setting<boolean> => ({
  name,
  description,
  default: String(fallback),
  parse(raw) {
    if (raw === undefined || raw.trim() === "") return fallback;
    if (/^(true|1|yes)$/i.test(raw.trim())) return true;
    if (/^(false|0|no)$/i.test(raw.trim())) return false;
    throw new ConfigError(name, "must be true or false");
  },
});

/** A secret given inline (NAME) or as a file path (NAME_FILE); never both. */
function secret(
  name: string,
  description: string,
  required: boolean,
  fileVar = `${name}_FILE`,
): Setting<string | undefined> {
  return {
    name,
    description: `${description} (or ${fileVar}: a path to a file holding it)`,
    secret: true,
    required,
    parse(raw, env) {
      const file = env[fileVar]?.trim();
      if (raw && file) throw new ConfigError(name, `and ${fileVar} are both set; set one`);
      if (file) {
        try {
          return readFileSync(file, "utf8").trim();
        } catch {
          throw new ConfigError(fileVar, "names a file that cannot be read");
        }
      }
      if (!raw && required) throw new ConfigError(name, `(or ${fileVar}) is required`);
      return raw || undefined;
    },
  };
}

export const SETTINGS = {
  kafkaBootstrapServers: str(
    "KAFKA_BOOTSTRAP_SERVERS",
    "Kafka bootstrap servers, comma-separated (local stack: from .env.stack)",
  ),
  kafkaTls: bool("KAFKA_TLS", "connect to Kafka over TLS", false),
  kafkaSaslMechanism: oneOf(
    "KAFKA_SASL_MECHANISM",
    "SASL mechanism for Kafka (`none`, `PLAIN`, `SCRAM-SHA-256`, `SCRAM-SHA-512`, or `AWS_MSK_IAM`: OAUTHBEARER tokens signed with the task role, needs `KAFKA_TLS=true` and `AWS_REGION`)",
    ["none", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "AWS_MSK_IAM"] as const,
    "none",
  ),
  kafkaSaslUsername: str("KAFKA_SASL_USERNAME", "SASL user name (PLAIN and SCRAM)", "-"),
  awsRegion: str("AWS_REGION", "AWS region for MSK IAM authentication", "eu-west-2"),
  kafkaSaslPassword: secret("KAFKA_SASL_PASSWORD", "SASL password", false),
  schemaRegistryUrl: str(
    "SCHEMA_REGISTRY_URL",
    "Confluent-compatible schema registry URL (Apicurio: …/apis/ccompat/v7)",
  ),
  registryTimeoutMs: int(
    "REGISTRY_TIMEOUT_MS",
    "schema registry: longest wait for one request's answer (ms); connecting has its own 5 s deadline; look-ups and registrations are tried 3 times, then fail with REGISTRY_UNAVAILABLE",
    10_000,
    100,
    300_000,
  ),
  databaseUrl: {
    ...secret(
      "DATABASE_URL",
      "PostgreSQL connection URL (local stack: from .env.stack); if unset, the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE are used",
      false,
    ),
    default: "required unless PGHOST is set",
  },
  keyring: secret(
    "KEYRING_JSON",
    'HMAC keyring JSON: {"active":"k1","keys":{"k1":"<base64, 32+ bytes>"}}',
    true,
    "KEYRING_FILE",
  ),
  strategy: oneOf(
    "ANONYMISATION_STRATEGY",
    "`pseudonymisation` (keyed tokens, linkable) or `redaction` (identifiers replaced by [REDACTED])",
    ["pseudonymisation", "redaction"] as const,
    "pseudonymisation",
  ),
  rawTopic: str("RAW_TOPIC", "input topic of raw patient records", "patient-records-raw"),
  anonymisedTopic: str(
    "ANONYMISED_TOPIC",
    "output topic of anonymised records",
    "patient-records-anonymised",
  ),
  deadLetterTopic: str(
    "DEAD_LETTER_TOPIC",
    "restricted dead-letter topic (raw bytes + error headers)",
    "patient-records-dlq",
  ),
  consumerGroup: str("CONSUMER_GROUP", "consumer group shared by the replicas", "anonymiser"),
  instanceId: str(
    "INSTANCE_ID",
    "stable id of this replica; the transactional id is <group>-<instance>",
    "<hostname>",
  ),
  batchMaxRecords: int(
    "BATCH_MAX_RECORDS",
    "records per batch (one Kafka transaction and one database transaction); BATCH_MAX_MS bounds the wait for a full one",
    2000,
    1,
    100_000,
  ),
  batchMaxMs: int("BATCH_MAX_MS", "longest wait before a partial batch is committed (ms)", 200, 1, 60_000),
  processingThreads: {
    name: "PROCESSING_THREADS",
    description:
      "worker threads that decode, anonymise and encode records (`auto`: one per available core, or the event loop on a one-core machine; 0: on the event loop)",
    default: "auto",
    parse(raw: string | undefined): number | "auto" {
      const value = raw?.trim() || "auto";
      if (value === "auto") return "auto";
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 64)
        throw new ConfigError("PROCESSING_THREADS", "must be auto or an integer between 0 and 64");
      return n;
    },
  } satisfies Setting<number | "auto">,
  processingThreadNiceness: int(
    "PROCESSING_THREAD_NICENESS",
    "niceness added to each processing thread's scheduling priority on Linux, so that under full load the event loop (Kafka, PostgreSQL, health endpoints) is served first (0: none)",
    10,
    0,
    19,
  ),
  maxInFlightBatches: int(
    "MAX_IN_FLIGHT_BATCHES",
    "batches between consumption and their Kafka commit (processing overlaps the commits; more hold more memory)",
    3,
    1,
    16,
  ),
  maxRecordBytes: int(
    "MAX_RECORD_BYTES",
    "larger records are dead-lettered as RECORD_OVERSIZE (keep below the broker's message.max.bytes: the raw bytes go to the dead-letter topic)",
    921_600,
    64,
    16_777_216,
  ),
  retryInitialMs: int("RETRY_INITIAL_MS", "first backoff delay for transient failures (ms)", 100, 1, 60_000),
  retryMaxMs: int("RETRY_MAX_MS", "largest backoff delay for transient failures (ms)", 10_000, 10, 600_000),
  tokenCacheSize: int(
    "TOKEN_CACHE_SIZE",
    "pseudonym token cache entries per kind (token prefix, date-shift range; 0 disables it)",
    16_384,
    0,
    10_000_000,
  ),
  httpPort: int("HTTP_PORT", "port of /metrics, /health/live and /health/ready", 9464, 0, 65_535),
  readyMaxPauseMs: int(
    "READY_MAX_PAUSE_MS",
    "not ready when backpressure has paused consumption this long (ms)",
    60_000,
    1_000,
    3_600_000,
  ),
  sessionTimeoutMs: int(
    "KAFKA_SESSION_TIMEOUT_MS",
    "consumer group session timeout: how long a crashed replica keeps its partitions (ms)",
    30_000,
    6_000,
    300_000,
  ),
  kafkaAdminTimeoutMs: int(
    "KAFKA_ADMIN_TIMEOUT_MS",
    "Kafka admin and command clients (start-up topic check, topics:create, produce, dlq:replay): longest wait for one request's answer (ms); connecting has its own 5 s deadline; 2 retries, then KAFKA_UNREACHABLE",
    10_000,
    100,
    300_000,
  ),
  dbPoolSize: int("DB_POOL_SIZE", "PostgreSQL connections per replica", 4, 1, 100),
  dbConnectTimeoutMs: int(
    "DB_CONNECT_TIMEOUT_MS",
    "PostgreSQL: longest wait for a connection, a free pool slot included (ms)",
    5_000,
    100,
    300_000,
  ),
  dbStatementTimeoutMs: int(
    "DB_STATEMENT_TIMEOUT_MS",
    "PostgreSQL: the server cancels a statement running longer, and the client gives up 10 s later if the server sends nothing; the batch is retried as DB_TIMEOUT, never dead-lettered (ms; keep it well above the slowest batch commit)",
    60_000,
    1_000,
    3_600_000,
  ),
  faultInjection: {
    name: "FAULT_INJECTION",
    description:
      "testing only: `<point>:<n>` kills the process (SIGKILL) at the n-th batch reaching `before-store-commit`, `after-store-commit`, `in-kafka-transaction` or `after-kafka-commit`",
    default: "",
    parse(raw: string | undefined) {
      const value = raw?.trim() ?? "";
      if (value === "") return undefined;
      const m =
        /^(before-store-commit|after-store-commit|in-kafka-transaction|after-kafka-commit):([1-9]\d*)$/.exec(
          value,
        );
      if (!m) throw new ConfigError("FAULT_INJECTION", "must be <point>:<n> with a known point and n >= 1");
      return { point: m[1]!, count: Number(m[2]) };
    },
  } as Setting<{ point: string; count: number } | undefined>,
  logLevel: oneOf("LOG_LEVEL", "log level", ["fatal", "error", "warn", "info", "debug"] as const, "info"),
} as const;

type Parsed = { [K in keyof typeof SETTINGS]: ReturnType<(typeof SETTINGS)[K]["parse"]> };

export type Config = Readonly<
  Omit<Parsed, "databaseUrl" | "keyring" | "kafkaSaslPassword"> & {
    /** Undefined: connect with the libpq environment variables (PGHOST, ...). */
    databaseUrl: string | undefined;
    keyringJson: string;
    kafkaSaslPassword: string | undefined;
    transactionalId: string;
  }
>;

/**
 * Reads the configuration from `env` alone. (The npm scripts start Node with `--env-file-if-exists=.env.stack`, so
 * the local stack's endpoints reach the process environment without production code knowing about the stack.)
 */
export function loadConfig(env: Env = process.env): Config {
  const merged: Env = env;
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS)) {
    out[key] = (setting as Setting<unknown>).parse(merged[setting.name], merged);
  }
  if (out["instanceId"] === "<hostname>") out["instanceId"] = hostname();
  if ((out["retryMaxMs"] as number) < (out["retryInitialMs"] as number)) {
    throw new ConfigError("RETRY_MAX_MS", "must not be smaller than RETRY_INITIAL_MS");
  }
  if (out["kafkaSaslMechanism"] === "AWS_MSK_IAM" && out["kafkaTls"] !== true) {
    throw new ConfigError(
      "KAFKA_TLS",
      "must be true when KAFKA_SASL_MECHANISM is AWS_MSK_IAM (MSK serves IAM over TLS only)",
    );
  }
  if (!out["databaseUrl"] && !merged["PGHOST"]) {
    throw new ConfigError(
      "DATABASE_URL",
      "(or DATABASE_URL_FILE, or PGHOST and the other libpq variables) is required",
    );
  }
  const needsPassword = out["kafkaSaslMechanism"] !== "none" && out["kafkaSaslMechanism"] !== "AWS_MSK_IAM";
  if (needsPassword && (!out["kafkaSaslPassword"] || out["kafkaSaslUsername"] === "-")) {
    throw new ConfigError(
      "KAFKA_SASL_PASSWORD",
      "and KAFKA_SASL_USERNAME are required when KAFKA_SASL_MECHANISM is set",
    );
  }
  const config = {
    ...out,
    keyringJson: out["keyring"] as string,
    transactionalId: `${out["consumerGroup"]}-${out["instanceId"]}`,
  } as Record<string, unknown>;
  delete config["keyring"];
  return Object.freeze(config) as unknown as Config;
}

/** The configuration for humans (`--print-config`): secrets masked, passwords in URLs masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === "keyringJson" || key === "kafkaSaslPassword") masked[key] = value ? "***" : undefined;
    else if (key === "databaseUrl") masked[key] = value === undefined ? undefined : maskUrl(String(value));
    else masked[key] = value;
  }
  return masked;
}

/** A connection URL with its password (userinfo or `password=` parameter) replaced; unparsable → fully masked. */
function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    for (const key of [...url.searchParams.keys()]) {
      if (/pass/i.test(key)) url.searchParams.set(key, "***");
    }
    return url.toString();
  } catch {
    return "***";
  }
}

/** Rows of the README's configuration table, from the same source as the parser. */
export function settingsTable(): Array<{ name: string; default: string; description: string }> {
  return Object.values(SETTINGS).map((s) => ({
    name: s.name,
    default:
      (s as Setting<unknown>).default ??
      ((s as Setting<unknown>).secret && !(s as Setting<unknown>).required ? "—" : "required"),
    description: s.description,
  }));
}

/** Configuration for the command-line tools, which need the endpoints and topic names but not the keyring. */
export function loadToolConfig(env: Env = process.env): Config {
  const { KEYRING_FILE: _file, ...rest } = env;
  return loadConfig({ ...rest, KEYRING_JSON: "not-used-by-tools" });
}
