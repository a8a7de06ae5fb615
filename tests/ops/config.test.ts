import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, describeConfig, loadConfig, SETTINGS, settingsTable } from "../../ops/config.ts";
import { keyringText } from "../anonymise/helpers.ts";

const DB_PASSWORD = "s3cret-db-pw";
const SASL_PASSWORD = "sasl-pw-9f2c";

/** The least a deployment must set; everything else has a default. */
const REQUIRED = {
  KAFKA_BOOTSTRAP_SERVERS: "kafka-1:9092,kafka-2:9092",
  SCHEMA_REGISTRY_URL: "http://registry:8081",
  DATABASE_URL: `postgres://anonymiser:${DB_PASSWORD}@db:5432/research`,
  KEYRING_JSON: keyringText,
};

const load = (env: Record<string, string | undefined>) => loadConfig(env);

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("loadConfig unexpectedly accepted the environment");
}

const dir = mkdtempSync(join(tmpdir(), "config-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

describe("loadConfig defaults", () => {
  it("fills every optional setting with its documented default", () => {
    const config = load(REQUIRED);
    expect(config).toMatchObject({
      kafkaBootstrapServers: "kafka-1:9092,kafka-2:9092",
      kafkaTls: false,
      kafkaSaslMechanism: "none",
      kafkaSaslPassword: undefined,
      schemaRegistryUrl: "http://registry:8081",
      databaseUrl: REQUIRED.DATABASE_URL,
      keyringJson: keyringText,
      strategy: "pseudonymisation",
      rawTopic: "patient-records-raw",
      anonymisedTopic: "patient-records-anonymised",
      deadLetterTopic: "patient-records-dlq",
      consumerGroup: "anonymiser",
      instanceId: hostname(),
      batchMaxRecords: 2000,
      batchMaxMs: 200,
      maxRecordBytes: 921_600,
      retryInitialMs: 100,
      retryMaxMs: 10_000,
      tokenCacheSize: 16_384,
      processingThreadNiceness: 10,
      httpPort: 9464,
      readyMaxPauseMs: 60_000,
      dbPoolSize: 4,
      logLevel: "info",
      transactionalId: `anonymiser-${hostname()}`,
    });
    expect(config).not.toHaveProperty("keyring");
  });

  it("reads every setting given, trimmed, and derives the transactional id from group and instance", () => {
    const config = load({
      ...REQUIRED,
      KAFKA_TLS: "YES",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "svc-anon",
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
      ANONYMISATION_STRATEGY: "redaction",
      CONSUMER_GROUP: " research ",
      INSTANCE_ID: "replica-2",
      BATCH_MAX_RECORDS: "500",
      HTTP_PORT: "0",
      TOKEN_CACHE_SIZE: "0",
      PROCESSING_THREAD_NICENESS: "0",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      kafkaTls: true,
      kafkaSaslMechanism: "SCRAM-SHA-512",
      kafkaSaslUsername: "svc-anon",
      kafkaSaslPassword: SASL_PASSWORD,
      strategy: "redaction",
      consumerGroup: "research",
      instanceId: "replica-2",
      transactionalId: "research-replica-2",
      batchMaxRecords: 500,
      httpPort: 0,
      tokenCacheSize: 0,
      processingThreadNiceness: 0,
      logLevel: "debug",
    });
  });

  it("treats an empty value as unset", () => {
    expect(load({ ...REQUIRED, BATCH_MAX_RECORDS: " ", LOG_LEVEL: "", KAFKA_TLS: "" })).toMatchObject({
      batchMaxRecords: 2000,
      logLevel: "info",
      kafkaTls: false,
    });
  });

  it("is frozen", () => {
    const config = load(REQUIRED);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { batchMaxRecords: number }).batchMaxRecords = 1;
    }).toThrow(TypeError);
  });
});

describe("loadConfig refuses a bad setting, naming it", () => {
  const cases: Array<[string, Record<string, string | undefined>]> = [
    ["KAFKA_BOOTSTRAP_SERVERS", { KAFKA_BOOTSTRAP_SERVERS: undefined }],
    ["KAFKA_BOOTSTRAP_SERVERS", { KAFKA_BOOTSTRAP_SERVERS: "   " }],
    ["SCHEMA_REGISTRY_URL", { SCHEMA_REGISTRY_URL: undefined }],
    ["DATABASE_URL", { DATABASE_URL: undefined }],
    ["KEYRING_JSON", { KEYRING_JSON: undefined }],
    ["KAFKA_TLS", { KAFKA_TLS: "maybe" }],
    ["KAFKA_SASL_MECHANISM", { KAFKA_SASL_MECHANISM: "GSSAPI" }],
    ["ANONYMISATION_STRATEGY", { ANONYMISATION_STRATEGY: "hashing" }],
    ["LOG_LEVEL", { LOG_LEVEL: "trace" }],
    ["BATCH_MAX_RECORDS", { BATCH_MAX_RECORDS: "0" }],
    ["BATCH_MAX_RECORDS", { BATCH_MAX_RECORDS: "100001" }],
    ["BATCH_MAX_RECORDS", { BATCH_MAX_RECORDS: "12.5" }],
    ["BATCH_MAX_RECORDS", { BATCH_MAX_RECORDS: "lots" }],
    ["BATCH_MAX_MS", { BATCH_MAX_MS: "-1" }],
    ["MAX_RECORD_BYTES", { MAX_RECORD_BYTES: "63" }],
    ["RETRY_INITIAL_MS", { RETRY_INITIAL_MS: "0" }],
    ["RETRY_MAX_MS", { RETRY_MAX_MS: "9" }],
    ["RETRY_MAX_MS", { RETRY_INITIAL_MS: "5000", RETRY_MAX_MS: "1000" }],
    ["TOKEN_CACHE_SIZE", { TOKEN_CACHE_SIZE: "-1" }],
    ["HTTP_PORT", { HTTP_PORT: "65536" }],
    ["READY_MAX_PAUSE_MS", { READY_MAX_PAUSE_MS: "999" }],
    ["DB_POOL_SIZE", { DB_POOL_SIZE: "101" }],
    ["KAFKA_SASL_PASSWORD", { KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: "svc" }],
    ["KAFKA_SASL_PASSWORD", { KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_PASSWORD: SASL_PASSWORD }],
  ];

  it.each(cases)("%s: %j", (setting, overrides) => {
    const error = configError({ ...REQUIRED, ...overrides });
    expect(error.setting).toBe(setting);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toMatch(new RegExp(`^CONFIG_INVALID: ${setting} `));
  });

  it("PROCESSING_THREADS takes auto or a thread count", () => {
    expect(load({ ...REQUIRED }).processingThreads).toBe("auto");
    expect(load({ ...REQUIRED, PROCESSING_THREADS: "0" }).processingThreads).toBe(0);
    expect(load({ ...REQUIRED, PROCESSING_THREADS: "3" }).processingThreads).toBe(3);
    for (const bad of ["many", "-1", "1.5", "65"])
      expect(configError({ ...REQUIRED, PROCESSING_THREADS: bad }).setting).toBe("PROCESSING_THREADS");
  });

  it("every integer setting refuses a non-number, naming itself", () => {
    const intSettings = Object.values(SETTINGS).filter((s) => /^\d+$/.test(s.default ?? ""));
    expect(intSettings.map((s) => s.name)).toEqual([
      "REGISTRY_TIMEOUT_MS",
      "BATCH_MAX_RECORDS",
      "BATCH_MAX_MS",
      "PROCESSING_THREAD_NICENESS",
      "MAX_IN_FLIGHT_BATCHES",
      "MAX_RECORD_BYTES",
      "RETRY_INITIAL_MS",
      "RETRY_MAX_MS",
      "TOKEN_CACHE_SIZE",
      "HTTP_PORT",
      "READY_MAX_PAUSE_MS",
      "KAFKA_SESSION_TIMEOUT_MS",
      "KAFKA_ADMIN_TIMEOUT_MS",
      "DB_POOL_SIZE",
      "DB_CONNECT_TIMEOUT_MS",
      "DB_STATEMENT_TIMEOUT_MS",
    ]);
    for (const setting of intSettings) {
      expect(configError({ ...REQUIRED, [setting.name]: "ten" }).setting).toBe(setting.name);
    }
  });

  it("never quotes a secret in the error", () => {
    const error = configError({
      ...REQUIRED,
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
    });
    expect(error.message).not.toContain(SASL_PASSWORD);
  });
});

describe("secrets from files", () => {
  it("reads KEYRING_FILE for the keyring, trimming the trailing newline", () => {
    const path = secretFile("keyring.json", `${keyringText.trim()}\n`);
    const { KEYRING_JSON: _inline, ...rest } = REQUIRED;
    expect(load({ ...rest, KEYRING_FILE: path }).keyringJson).toBe(keyringText.trim());
  });

  it("reads DATABASE_URL_FILE and KAFKA_SASL_PASSWORD_FILE", () => {
    const { DATABASE_URL: _inline, ...rest } = REQUIRED;
    const config = load({
      ...rest,
      DATABASE_URL_FILE: secretFile("db-url", "postgres://u:from-file@db/x\n"),
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "svc",
      KAFKA_SASL_PASSWORD_FILE: secretFile("sasl", `${SASL_PASSWORD}\n`),
    });
    expect(config.databaseUrl).toBe("postgres://u:from-file@db/x");
    expect(config.kafkaSaslPassword).toBe(SASL_PASSWORD);
  });

  it("refuses a secret set both inline and as a file", () => {
    const error = configError({ ...REQUIRED, KEYRING_FILE: secretFile("k2.json", keyringText) });
    expect(error.setting).toBe("KEYRING_JSON");
    expect(error.message).toContain("KEYRING_FILE");
    expect(error.message).not.toContain(keyringText.trim().slice(0, 40));
  });

  it("names the file variable when its file cannot be read, without quoting the path's content", () => {
    const { KEYRING_JSON: _inline, ...rest } = REQUIRED;
    const error = configError({ ...rest, KEYRING_FILE: join(dir, "does-not-exist.json") });
    expect(error.setting).toBe("KEYRING_FILE");
  });

  it("without either, names both the variable and its file form", () => {
    const { KEYRING_JSON: _inline, ...rest } = REQUIRED;
    const error = configError(rest);
    expect(error.setting).toBe("KEYRING_JSON");
    expect(error.message).toContain("KEYRING_FILE");
  });
});

describe("describeConfig", () => {
  it("masks the keyring, the SASL password and the password inside DATABASE_URL", () => {
    const config = load({
      ...REQUIRED,
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_SASL_USERNAME: "svc",
      KAFKA_SASL_PASSWORD: SASL_PASSWORD,
    });
    const described = describeConfig(config);
    expect(described["keyringJson"]).toBe("***");
    expect(described["kafkaSaslPassword"]).toBe("***");
    expect(described["databaseUrl"]).toBe("postgres://anonymiser:***@db:5432/research");
    const text = JSON.stringify(described);
    expect(text).not.toContain(DB_PASSWORD);
    expect(text).not.toContain(SASL_PASSWORD);
    expect(text).not.toContain("jEeTfIXCqouaIyRJ0wxy"); // a key of the fixture keyring
  });

  it("keeps everything else as it is, and shows an unset password as unset", () => {
    const config = load(REQUIRED);
    const described = describeConfig(config);
    expect(described["kafkaSaslPassword"]).toBeUndefined();
    expect(described["batchMaxRecords"]).toBe(2000);
    expect(described["transactionalId"]).toBe(config.transactionalId);
    expect(Object.keys(described).sort()).toEqual(Object.keys(config).sort());
  });

  it("leaves a DATABASE_URL without a password readable", () => {
    const described = describeConfig(load({ ...REQUIRED, DATABASE_URL: "postgres://db:5432/research" }));
    expect(described["databaseUrl"]).toBe("postgres://db:5432/research");
  });
});

describe("settingsTable", () => {
  const rows = settingsTable();

  it("has one row per setting, named as the environment variable loadConfig reads", () => {
    expect(rows.map((r) => r.name)).toEqual(Object.values(SETTINGS).map((s) => s.name));
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(row.description.length).toBeGreaterThan(5);
    }
  });

  it("covers every configuration value loadConfig returns (except the derived transactional id)", () => {
    const config = load(REQUIRED);
    const settingKeys = Object.keys(SETTINGS).map((k) => (k === "keyring" ? "keyringJson" : k));
    expect(settingKeys.sort()).toEqual(
      Object.keys(config)
        .filter((k) => k !== "transactionalId")
        .sort(),
    );
    expect(rows).toHaveLength(settingKeys.length);
  });

  it("shows the defaults the parser applies", () => {
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("BATCH_MAX_RECORDS")?.default).toBe("2000");
    expect(byName.get("KAFKA_TLS")?.default).toBe("false");
    expect(byName.get("RAW_TOPIC")?.default).toBe("patient-records-raw");
    for (const name of ["KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "KEYRING_JSON"]) {
      expect(byName.get(name)?.default).toBe("required");
    }
    expect(byName.get("DATABASE_URL")?.default).toBe("required unless PGHOST is set");
    // Secrets are documented with their *_FILE alternative.
    expect(byName.get("KEYRING_JSON")?.description).toContain("KEYRING_FILE");
    expect(byName.get("DATABASE_URL")?.description).toContain("DATABASE_URL_FILE");
  });
});

describe("describeConfig masks passwords that naive patterns miss", () => {
  it("masks a password containing '@' entirely", () => {
    const described = describeConfig(load({ ...REQUIRED, DATABASE_URL: "postgres://app:p@ss@db:5432/nhs" }));
    expect(described["databaseUrl"]).toBe("postgres://app:***@db:5432/nhs");
  });

  it("masks a password given as a query parameter", () => {
    const described = describeConfig(
      load({ ...REQUIRED, DATABASE_URL: "postgres://db:5432/nhs?user=app&password=s3cret" }),
    );
    expect(String(described["databaseUrl"])).not.toContain("s3cret");
  });

  it("lists optional secrets as optional in the settings table", () => {
    const row = settingsTable().find((r) => r.name === "KAFKA_SASL_PASSWORD");
    expect(row?.default).toBe("—");
    expect(settingsTable().find((r) => r.name === "KEYRING_JSON")?.default).toBe("required");
  });
});

describe("PostgreSQL from the libpq environment (as on ECS)", () => {
  it("accepts PGHOST instead of DATABASE_URL and leaves the URL unset", () => {
    const { DATABASE_URL: _unused, ...rest } = REQUIRED as Record<string, string>;
    const config = load({ ...rest, PGHOST: "db.internal", PGUSER: "anonymiser", PGPASSWORD: "x" });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("refuses neither DATABASE_URL nor PGHOST, naming DATABASE_URL", () => {
    const { DATABASE_URL: _unused, ...rest } = REQUIRED as Record<string, string>;
    expect(() => load(rest)).toThrow(/DATABASE_URL/);
  });

  it("AWS_MSK_IAM needs TLS", () => {
    expect(() => load({ ...REQUIRED, KAFKA_SASL_MECHANISM: "AWS_MSK_IAM" })).toThrow(/KAFKA_TLS/);
    expect(
      load({ ...REQUIRED, KAFKA_SASL_MECHANISM: "AWS_MSK_IAM", KAFKA_TLS: "true" }).kafkaSaslMechanism,
    ).toBe("AWS_MSK_IAM");
  });
});
