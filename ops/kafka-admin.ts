import { Admin, type ConnectionOptions } from "@platformatic/kafka";
import { CodedError } from "../contracts/index.ts";

export interface TopicSpec {
  name: string;
  partitions: number;
  replicas?: number;
  /** Topic configs, e.g. retention for the dead-letter topic. */
  configs?: Record<string, string>;
}

/**
 * Deadlines of the Kafka clients that start-up and the commands use (admin, and the producers and consumers of
 * `produce` and `dlq:replay`; the pipeline's own runtime has its own settings). The client library's defaults look
 * bounded but are not in practice: its `timeout` option is the broker-side timeout field of some requests while the
 * socket's response deadline (`requestTimeout`) stays at 30 s, and operations nest their retries (a topic listing
 * retries its metadata request, whose broker handshake retries itself: (1 + retries)² requests). Against a broker
 * that accepts the connection and never answers, one listing with the defaults took more than 5 minutes.
 */
export interface KafkaDeadlines {
  /** Longest wait for a TCP (and TLS) connection to a broker (ms). */
  connectMs: number;
  /** Longest wait for the answer to one request (ms). */
  requestMs: number;
  /** Retries of a failed request (a broker that did not answer, a connection that failed). */
  retries: number;
  retryDelayMs: number;
}

export const KAFKA_DEADLINES: Readonly<KafkaDeadlines> = Object.freeze({
  connectMs: 5_000,
  requestMs: 10_000,
  retries: 2,
  retryDelayMs: 500,
});

/** The deadlines for a configured request deadline (KAFKA_ADMIN_TIMEOUT_MS): connecting gets 5 s, or less. */
export function kafkaDeadlines(requestMs: number): KafkaDeadlines {
  return { ...KAFKA_DEADLINES, requestMs, connectMs: Math.min(KAFKA_DEADLINES.connectMs, requestMs) };
}

/** The client options that carry `deadlines`, for any @platformatic/kafka client. */
export function kafkaDeadlineOptions(deadlines: Partial<KafkaDeadlines> = {}) {
  const d = { ...KAFKA_DEADLINES, ...deadlines };
  return {
    connectTimeout: d.connectMs,
    requestTimeout: d.requestMs,
    // The broker-side wait of CreateTopics and Produce: shorter than ours, so the broker's answer can arrive.
    timeout: Math.max(Math.floor(d.requestMs / 2), d.requestMs - 1_000),
    retries: d.retries,
    retryDelay: d.retryDelayMs,
  };
}

/**
 * The longest one operation (a listing, a creation, a send, joining a group) may take: one connection, then every
 * try of one request with the delays between them. The library's nested retries could go on past it, so at this
 * point the client is closed, whatever it is waiting for (withKafkaDeadline).
 */
export function operationDeadlineMs(deadlines: Partial<KafkaDeadlines> = {}): number {
  const d = { ...KAFKA_DEADLINES, ...deadlines };
  return d.connectMs + (d.retries + 1) * d.requestMs + d.retries * d.retryDelayMs;
}

/** A Kafka call of start-up or a command that failed: no broker answered in time (transient), or one refused. */
export class KafkaCommandError extends CodedError {
  constructor(
    code: "KAFKA_UNREACHABLE" | "KAFKA_REQUEST_REFUSED",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${code}: ${message}`, options);
  }
}

/**
 * The coded error for a failure of `what`. KAFKA_REQUEST_REFUSED when a broker answered with an error a retry
 * cannot change (a non-retriable protocol error, failed authentication), naming the protocol error ids; otherwise
 * (timeouts, refused or broken connections, retriable errors) KAFKA_UNREACHABLE. Messages carry the operation and
 * protocol error ids only, never the library's message text or record content.
 */
export function kafkaCommandError(error: unknown, what: string): CodedError {
  if (error instanceof CodedError) return error;
  const chain = errorChain(error);
  const refusals = chain.filter(
    (e) => (typeof e.apiId === "string" && e.canRetry === false) || e.code === "PLT_KFK_AUTHENTICATION",
  );
  if (refusals.length === 0) {
    return new KafkaCommandError("KAFKA_UNREACHABLE", `no Kafka broker answered while ${what}`, {
      cause: error,
    });
  }
  const ids = [...new Set(refusals.map((e) => (typeof e.apiId === "string" ? e.apiId : String(e.code))))];
  return new KafkaCommandError("KAFKA_REQUEST_REFUSED", `the broker refused ${what} (${ids.join(", ")})`, {
    cause: error,
  });
}

interface ChainLink {
  apiId?: unknown;
  code?: unknown;
  canRetry?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** The error, its aggregated errors and causes, flattened (bounded depth). */
function errorChain(error: unknown, depth = 0): ChainLink[] {
  if (typeof error !== "object" || error === null || depth > 4) return [];
  const e = error as ChainLink;
  const inner = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorChain(x, depth + 1)) : [];
  return [e, ...inner, ...errorChain(e.cause, depth + 1)];
}

function protocolIds(error: unknown): string[] {
  return [...new Set(errorChain(error).flatMap((e) => (typeof e.apiId === "string" ? [e.apiId] : [])))];
}

/**
 * Runs `operation` on a client and gives up after `deadlineMs`: the client is closed (its sockets destroyed, its
 * pending requests failed) and the error is KAFKA_UNREACHABLE. Other failures are classified by kafkaCommandError.
 */
export async function withKafkaDeadline<T>(
  what: string,
  deadlineMs: number,
  close: () => Promise<unknown>,
  operation: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void close().catch(() => undefined);
      reject(
        new KafkaCommandError(
          "KAFKA_UNREACHABLE",
          `no Kafka broker answered while ${what} within ${deadlineMs} ms`,
        ),
      );
    }, deadlineMs);
  });
  try {
    return await Promise.race([operation(), expired]);
  } catch (error) {
    throw kafkaCommandError(error, what);
  } finally {
    clearTimeout(timer);
  }
}

export interface AdminOptions {
  clientId?: string;
  /** TLS and SASL, as the pipeline's clients use them. */
  connection?: ConnectionOptions;
  deadlines?: Partial<KafkaDeadlines>;
}

async function withAdmin<T>(
  bootstrap: string[],
  options: AdminOptions,
  what: string,
  operation: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = new Admin({
    clientId: options.clientId ?? "anonymiser-admin",
    bootstrapBrokers: bootstrap,
    ...options.connection,
    ...kafkaDeadlineOptions(options.deadlines),
  });
  try {
    return await withKafkaDeadline(
      what,
      operationDeadlineMs(options.deadlines),
      () => admin.close(),
      () => operation(admin),
    );
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Creates the topics that do not exist yet (idempotent). `options` may be just a client id. */
export async function ensureTopics(
  bootstrap: string[],
  topics: TopicSpec[],
  options: AdminOptions | string = {},
): Promise<string[]> {
  const opts = typeof options === "string" ? { clientId: options } : options;
  return withAdmin(bootstrap, opts, "creating topics", async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    for (const t of missing) {
      await admin
        .createTopics({
          topics: [t.name],
          partitions: t.partitions,
          replicas: t.replicas ?? 1,
          ...(t.configs
            ? { configs: Object.entries(t.configs).map(([name, value]) => ({ name, value })) }
            : {}),
        })
        .catch((error: unknown) => {
          // A retried creation whose first try did succeed (or a concurrent creator): the topic is there.
          const ids = protocolIds(error);
          if (ids.length === 0 || ids.some((id) => id !== "TOPIC_ALREADY_EXISTS")) throw error;
        });
    }
    return missing.map((t) => t.name);
  });
}

/** Names of `topics` that do not exist. */
export async function missingTopics(
  bootstrap: string[],
  topics: string[],
  options: AdminOptions = {},
): Promise<string[]> {
  return withAdmin(bootstrap, options, "listing topics", async (admin) => {
    const existing = new Set(await admin.listTopics());
    return topics.filter((t) => !existing.has(t));
  });
}
