import { CodedError, type ErrorCode } from "../../contracts/index.ts";
import type { Config } from "../../ops/config.ts";
import { kafkaDeadlines, missingTopics } from "../../ops/kafka-admin.ts";
import { errorFields, type Logger } from "../../ops/logger.ts";
import type { AvroRecordSchema } from "../../schemas/load.ts";
import { RegistryClient, registryDeadlines } from "../../schemas/registry-client.ts";
import { migrate } from "../../sinks/migrate.ts";
import { PostgresStore, RESEARCH_TABLE } from "../../sinks/postgres-store.ts";
import { informationSchemaType } from "../../sinks/research-columns.ts";
import { retryWhile } from "../../topology/index.ts";
import { bootstrapBrokers, kafkaConnection } from "./kafka-connection.ts";

export class StartupError extends CodedError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${code}: ${message}`, { cause: options?.cause });
  }
}

export interface StartupResult {
  registry: RegistryClient;
  /** The registry id of the anonymised schema, which every output record carries. */
  outputSchemaId: number;
  store: PostgresStore;
}

/** What start-up is waiting for, for the readiness answer (`undefined` once every check has passed). */
export type StartupWait = "kafka" | "registry" | "database" | undefined;

/**
 * Retrying cannot change a permanent coded error (a topic that does not exist, a schema not registered, SQL the
 * database refuses); anything else at start-up is the world being briefly wrong.
 */
function worthRetrying(error: unknown): boolean {
  if (error instanceof CodedError) return error.transient;
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL's own errors carry a SQLSTATE: a class other than connection, resources or shutdown is a bug.
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return /^(08|53|57P|58)/.test(code);
  return true;
}

/**
 * The research table must have a column of the right type for every field of the anonymised schema (the
 * migration adds it): a field the table lacks would fail every batch, so start-up stops instead, naming it.
 */
async function checkResearchTable(store: PostgresStore): Promise<void> {
  const actual = await store.tableColumns();
  for (const column of store.columns) {
    const found = actual.get(column.name);
    const wanted = informationSchemaType(column.pgType);
    if (found !== wanted) {
      throw new StartupError(
        "SINK_TABLE_MISMATCH",
        `${RESEARCH_TABLE}.${column.name} is ${found ?? "missing"}, the anonymised schema needs ${wanted} (add a migration)`,
      );
    }
  }
}

/**
 * What must hold before the pipeline consumes anything: the three topics exist, the output schema is registered,
 * the database is reachable, migrated and matches the anonymised schema. A broker, registry or database that is
 * unreachable is waited for, with backoff, for as long as it takes (the replica is live and not ready meanwhile;
 * `waiting` says on what); a permanent failure stops start-up with a coded error. `signal` (a stop request) ends
 * the wait.
 */
export async function startupChecks(
  config: Config,
  logger: Logger,
  anonymisedSchema: AvroRecordSchema,
  options: { signal: AbortSignal; waiting: (on: StartupWait) => void },
): Promise<StartupResult> {
  const retry = (on: Exclude<StartupWait, undefined>) => ({
    initialMs: 200,
    maxMs: Math.max(200, config.retryMaxMs),
    signal: options.signal,
    onRetry: (error: unknown, attempt: number, delayMs: number) => {
      options.waiting(on);
      logger.warn("startup.waiting", { ...errorFields(error), reason: on, attempt, delayMs });
    },
  });

  const missing = await retryWhile(
    () =>
      missingTopics(
        bootstrapBrokers(config),
        [config.rawTopic, config.anonymisedTopic, config.deadLetterTopic],
        { connection: kafkaConnection(config), deadlines: kafkaDeadlines(config.kafkaAdminTimeoutMs) },
      ),
    worthRetrying,
    retry("kafka"),
  );
  if (missing.length > 0) {
    throw new StartupError(
      "KAFKA_TOPIC_MISSING",
      `topics do not exist: ${missing.join(", ")} (run \`npm run topics:create\`)`,
    );
  }

  const registry = new RegistryClient(config.schemaRegistryUrl, {
    deadlines: registryDeadlines(config.registryTimeoutMs),
  });
  const outputSchemaId = await retryWhile(
    () => registry.idOf(`${config.anonymisedTopic}-value`, anonymisedSchema),
    worthRetrying,
    retry("registry"),
  );

  // No URL: node-postgres reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE itself.
  const store = new PostgresStore(config.databaseUrl ?? {}, {
    poolSize: config.dbPoolSize,
    deadlines: { connectMs: config.dbConnectTimeoutMs, statementMs: config.dbStatementTimeoutMs },
  });
  try {
    const applied = await retryWhile(() => migrate(store.db), worthRetrying, retry("database"));
    logger.info("database.migrated", { applied });
    await retryWhile(() => checkResearchTable(store), worthRetrying, retry("database"));
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  options.waiting(undefined);
  return { registry, outputSchemaId, store };
}
