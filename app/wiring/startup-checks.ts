import { CodedError, type ErrorCode } from "../../contracts/index.ts";
import type { Config } from "../../ops/config.ts";
import { missingTopics } from "../../ops/kafka-admin.ts";
import { errorFields, type Logger } from "../../ops/logger.ts";
import type { AvroRecordSchema } from "../../schemas/load.ts";
import { RegistryClient } from "../../schemas/registry-client.ts";
import { migrate } from "../../sinks/migrate.ts";
import { isTransientDbError, PostgresStore } from "../../sinks/postgres-store.ts";
import { isTransient, retryWhile } from "../../topology/index.ts";
import { bootstrapBrokers } from "./kafka-connection.ts";

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

/**
 * What must hold before the pipeline consumes anything: the three topics exist, the output schema is registered,
 * the database is reachable and migrated. Each check retries transient failures for up to a minute, then stops
 * start-up with a coded error (the orchestrator restarts the task).
 */
export async function startupChecks(
  config: Config,
  logger: Logger,
  anonymisedSchema: AvroRecordSchema,
): Promise<StartupResult> {
  const startupRetry = { initialMs: 200, maxMs: 2_000, signal: AbortSignal.timeout(60_000) };
  const missing = await retryWhile(
    () =>
      missingTopics(bootstrapBrokers(config), [
        config.rawTopic,
        config.anonymisedTopic,
        config.deadLetterTopic,
      ]),
    () => true,
    startupRetry,
  );
  if (missing.length > 0) {
    throw new StartupError(
      "KAFKA_TOPIC_MISSING",
      `topics do not exist: ${missing.join(", ")} (run \`npm run topics:create\`)`,
    );
  }

  const registry = new RegistryClient(config.schemaRegistryUrl);
  const outputSchemaId = await retryWhile(
    () => registry.idOf(`${config.anonymisedTopic}-value`, anonymisedSchema),
    isTransient,
    {
      ...startupRetry,
      onRetry: (error, attempt) => logger.warn("startup.registry_retry", { ...errorFields(error), attempt }),
    },
  );

  // No URL: node-postgres reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and PGSSLMODE itself.
  const store = new PostgresStore(config.databaseUrl ?? {}, { poolSize: config.dbPoolSize });
  const applied = await retryWhile(() => migrate(store.db), isTransientDbError, {
    ...startupRetry,
    onRetry: (error, attempt) => logger.warn("startup.database_retry", { ...errorFields(error), attempt }),
  }).catch(async (error: unknown) => {
    await store.close().catch(() => undefined);
    throw error;
  });
  logger.info("database.migrated", { applied });
  return { registry, outputSchemaId, store };
}
