import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import avro from "avsc";
import { SchemaError } from "./errors.ts";

/**
 * The registry through @kafkajs/confluent-schema-registry, on the standard Confluent API only (Apicurio's ccompat
 * API and Confluent's own registry both work). Writer schemas are fetched by id once and cached for the process.
 */
export class RegistryClient {
  readonly #registry: SchemaRegistry;
  readonly #writerSchemas = new Map<number, Promise<object>>();
  readonly #url: string;

  constructor(url: string, options: { retries?: number } = {}) {
    this.#url = url.replace(/\/+$/, "");
    this.#registry = new SchemaRegistry({
      host: this.#url,
      retry: { retries: options.retries ?? 2, initialRetryTimeInSecs: 0.1, maxRetryTimeInSecs: 2 },
    });
  }

  /** Registers (idempotently) a schema under a subject; the registry refuses an incompatible change. */
  async register(subject: string, schema: object): Promise<number> {
    const { id } = await this.#registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject },
    );
    return id;
  }

  /** The id of this exact schema under `subject`, or a SCHEMA_NOT_REGISTERED error. */
  async idOf(subject: string, schema: object): Promise<number> {
    try {
      return await this.#registry.getRegistryIdBySchema(subject, {
        type: SchemaType.AVRO,
        schema: JSON.stringify(schema),
      });
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new SchemaError(
          "SCHEMA_NOT_REGISTERED",
          `schema not registered under subject ${subject}: run \`npm run schemas:register\``,
        );
      }
      throw classify(error, `looking up subject ${subject}`);
    }
  }

  /** The writer schema (canonical JSON) for a registry id. Unknown id → permanent; anything else → transient. */
  writerSchema(id: number): Promise<object> {
    let cached = this.#writerSchemas.get(id);
    if (!cached) {
      cached = this.#registry.getSchema(id).then(
        (schema) => {
          if (!avro.Type.isType(schema)) {
            throw new SchemaError("SCHEMA_NOT_AVRO", `schema id ${id} is not an Avro schema`, {
              extra: { "schema.id": String(id) },
            });
          }
          return (schema as avro.Type).schema({ exportAttrs: false }) as object;
        },
        (error: unknown) => {
          throw classify(error, `fetching schema id ${id}`, id);
        },
      );
      // Only successes stay cached: a transient failure must be retried, an unknown id may be registered later.
      cached.catch(() => this.#writerSchemas.delete(id));
      this.#writerSchemas.set(id, cached);
    }
    return cached;
  }

  /** True when the registry's subject list answers. */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    const response = await fetch(`${this.#url}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/**
 * Only a definite "not found" is the record's fault. A network error, a 5xx, an auth problem: the world's fault,
 * retried with backoff and never dead-lettered.
 */
function classify(error: unknown, what: string, id?: number): SchemaError {
  if (error instanceof SchemaError) return error;
  const status = statusOf(error);
  if (status === 404 && id !== undefined) {
    return new SchemaError("SCHEMA_UNKNOWN_ID", `schema id ${id} is not known to the registry`, {
      extra: { "schema.id": String(id) },
    });
  }
  return new SchemaError(
    "REGISTRY_UNAVAILABLE",
    `schema registry unavailable while ${what} (status ${status ?? "none"})`,
    {
      transient: true,
      cause: error,
    },
  );
}
