import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import pgPromise, { type IDatabase } from "pg-promise";
import { CodedError } from "../contracts/index.ts";
import {
  type DeadLetterMetadata,
  isPreparedRow,
  PATIENT_STORES,
  type PreparedRow,
  type StoreBatch,
  type StoreCommitResult,
  type StoreRecord,
} from "../contracts/stores.ts";
import { type AvroRecordSchema, loadSchema } from "../schemas/load.ts";
import {
  COPY_BINARY_HEADER,
  COPY_BINARY_TRAILER,
  type Column,
  copyBytes,
  PROVENANCE_COLUMNS,
  researchColumns,
} from "./research-columns.ts";

/** The error the runtime retries: the database is down, restarting, or a connection broke. */
export class SinkUnavailableError extends CodedError {
  constructor(options: { cause: unknown }) {
    super("SINK_UNAVAILABLE", "PostgreSQL unavailable", { cause: options.cause });
  }
}

/** The transient error of a statement past its deadline: retried like an outage, never dead-lettered. */
export class DbTimeoutError extends CodedError {
  constructor(options: { cause?: unknown; detail?: string }) {
    super("DB_TIMEOUT", `PostgreSQL statement timed out${options.detail ? ` (${options.detail})` : ""}`, {
      cause: options.cause,
    });
  }
}

/**
 * Deadlines of every PostgreSQL call. Connecting (a free pool slot included) has `connectMs`. A statement running
 * longer than `statementMs` is cancelled by the server (SQLSTATE 57014; the connection stays usable); a server that
 * sends nothing at all is given up `answerGraceMs` later by the client, and that connection is destroyed, since an
 * answer may still be on its way. Keep statementMs well above the slowest batch commit: a cancelled commit is
 * retried (DB_TIMEOUT), so too short a deadline would retry a big batch for ever.
 */
export interface DbDeadlines {
  connectMs: number;
  statementMs: number;
  answerGraceMs: number;
}
export const DB_DEADLINES: Readonly<DbDeadlines> = Object.freeze({
  connectMs: 5_000,
  statementMs: 60_000,
  answerGraceMs: 10_000,
});
const QUERY_READ_TIMEOUT = "Query read timeout";

const pgp = pgPromise({
  capSQL: true,
  error(error, e) {
    // The client-side deadline passed with the statement still in flight: drop the connection rather than queue
    // the next statement (or the transaction's ROLLBACK) behind an answer that may never come.
    if (isQueryReadTimeout(error)) destroyConnection(e.client);
  },
});
const PQ = pgp.ParameterizedQuery;

function isQueryReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === QUERY_READ_TIMEOUT;
}

/**
 * Marks the connection broken the way pg-promise marks a lost connection ($connectionError: no ROLLBACK is sent on
 * it and the pool discards it on release), and closes its socket now.
 */
function destroyConnection(client: unknown): void {
  const c = client as
    | { $connectionError?: unknown; connection?: { stream?: { destroy(): void } } }
    | undefined;
  if (!c) return;
  c.$connectionError = new Error(QUERY_READ_TIMEOUT);
  c.connection?.stream?.destroy();
}

/** A statement cancelled by statement_timeout (57014), or no answer within the client-side deadline. */
export function isDbTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "57014" || code === "DB_TIMEOUT" || isQueryReadTimeout(error);
}

// Connection failures, shutdowns, serialisation conflicts, timeouts: retry. Constraint violations, bad SQL: a bug, stop.
const TRANSIENT_SQLSTATE = /^(08|53|57P|40001|40P01|55P03|58)/;
export function isTransientDbError(error: unknown): boolean {
  if (isDbTimeout(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TRANSIENT_SQLSTATE.test(code)) return true;
  if (typeof code === "string" && /^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)/.test(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    message,
  );
}

/** A database error as the runtime needs it: DB_TIMEOUT or SINK_UNAVAILABLE (both retried), or the error itself. */
function classified(error: unknown): unknown {
  if (isDbTimeout(error)) return new DbTimeoutError({ cause: error });
  if (isTransientDbError(error)) return new SinkUnavailableError({ cause: error });
  return error;
}

export const RESEARCH_TABLE = "anonymised_patient_records";

type Connection = Awaited<ReturnType<IDatabase<unknown>["connect"]>>;

/** PostgreSQL's SQLSTATE for a unique constraint violated. */
const UNIQUE_VIOLATION = "23505";

/** How research rows reach their table: COPY into a staging table (default), or one unnest INSERT. */
export type InsertMode = "copy" | "unnest";

const INSERT_WITHHELD = `
INSERT INTO withheld_records (source_topic, source_partition, source_offset, reason)
SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[])
ON CONFLICT DO NOTHING`;

const INSERT_DEAD_LETTERS = `
INSERT INTO dead_letters (reason_code, exception, message, node, field, schema_id, source_topic, source_partition,
  source_offset, source_timestamp)
SELECT r.reason_code, r.exception, r.message, r.node, r.field, r.schema_id, r.source_topic, r.source_partition,
  r.source_offset, to_timestamp(r.ts_ms / 1000.0)
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[],
  $9::bigint[], $10::bigint[])
  AS r(reason_code, exception, message, node, field, schema_id, source_topic, source_partition, source_offset, ts_ms)
ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING`;

/** Parameter type and SELECT expression of one column for the unnest INSERT. */
function unnestPart(c: Column, i: number): { param: string; expr: string } {
  const n = `c${i}`;
  switch (c.pgType) {
    case "timestamptz":
      return { param: "bigint[]", expr: `to_timestamp(r.${n} / 1000.0)` };
    case "date":
      return { param: "int[]", expr: `DATE '1970-01-01' + r.${n}` };
    case "text[]":
      // Arrays of arrays cannot be unnested row by row: each row's array travels as JSON text.
      return { param: "text[]", expr: `ARRAY(SELECT jsonb_array_elements_text(r.${n}::jsonb))` };
    case "integer":
      return { param: "int[]", expr: `r.${n}` };
    default:
      return { param: `${c.pgType}[]`, expr: `r.${n}` };
  }
}

function unnestValue(c: Column, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (c.pgType === "text[]") return JSON.stringify(v);
  if (c.pgType === "bigint") return String(v);
  return v;
}

/**
 * The COPY data of research records in the binary format, in order, between its header and trailer: a prepared row
 * is a slice of its buffer, and adjacent slices of one buffer go as one chunk (no copy); records not prepared are
 * encoded here.
 */
export function copyChunks(fieldColumns: readonly Column[], records: readonly StoreRecord[]): Uint8Array[] {
  const chunks: Uint8Array[] = [COPY_BINARY_HEADER];
  let run: PreparedRow | undefined;
  let runEnd = 0;
  let pending: StoreRecord[] = [];
  const endRun = () => {
    if (run) chunks.push(run.bytes.subarray(run.start, runEnd));
    run = undefined;
  };
  const endLines = () => {
    if (pending.length > 0) chunks.push(copyBytes(fieldColumns, pending));
    pending = [];
  };
  for (const r of records) {
    const v = r.value;
    if (isPreparedRow(v)) {
      endLines();
      if (run && run.bytes === v.bytes && runEnd === v.start) runEnd = v.end;
      else {
        endRun();
        run = v;
        runEnd = v.end;
      }
    } else {
      endRun();
      pending.push(r);
    }
  }
  endRun();
  endLines();
  chunks.push(COPY_BINARY_TRAILER);
  return chunks;
}

/**
 * The PostgreSQL side of exactly-once: each batch's rows and the consumed offsets commit in one transaction.
 * Rows at offsets this consumer group has already committed are skipped (a replay after a crash between this
 * commit and the Kafka commit), and the research table's primary key is a second guard.
 *
 * Research rows go in by COPY in its binary format, in the same transaction as the offsets (measured faster than
 * one unnest INSERT: bench/README.md): straight into the research table, or, when a record id in the batch is
 * already there (a source record sent twice), through a per-connection staging table and one INSERT … ON CONFLICT
 * DO NOTHING, which keeps the row written first. The columns come from the anonymised Avro schema
 * (sinks/research-columns.ts).
 */
export class PostgresStore {
  readonly db: IDatabase<unknown>;
  readonly columns: readonly Column[];
  /** The research columns that hold the record's fields (all but the provenance columns), in COPY's order. */
  readonly fieldColumns: readonly Column[];
  readonly #mode: InsertMode;
  readonly #researchNames: string;
  readonly #unnestInsert: string;

  constructor(
    connection: string | Record<string, unknown>,
    options: {
      poolSize?: number;
      deadlines?: Partial<DbDeadlines>;
      schema?: AvroRecordSchema;
      insertMode?: InsertMode;
    } = {},
  ) {
    const params = typeof connection === "string" ? { connectionString: connection } : connection;
    const deadlines = { ...DB_DEADLINES, ...options.deadlines };
    this.db = pgp({
      ...params,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: deadlines.connectMs,
      statement_timeout: deadlines.statementMs,
      query_timeout: deadlines.statementMs + deadlines.answerGraceMs,
      // TCP keep-alive: a peer that vanished without closing is noticed on idle pooled connections too.
      keepAlive: true,
    });
    this.#mode = options.insertMode ?? "copy";
    this.columns = [
      ...researchColumns(options.schema ?? loadSchema("anonymisedPatientRecord")),
      ...PROVENANCE_COLUMNS,
    ];
    this.fieldColumns = this.columns.slice(0, this.columns.length - PROVENANCE_COLUMNS.length);
    this.#researchNames = this.columns.map((c) => c.name).join(", ");
    const parts = this.columns.map(unnestPart);
    this.#unnestInsert = `INSERT INTO ${RESEARCH_TABLE} (${this.#researchNames})
SELECT ${parts.map((p) => p.expr).join(", ")}
FROM unnest(${parts.map((p, i) => `$${i + 1}::${p.param}`).join(", ")}) AS r(${parts.map((_p, i) => `c${i}`).join(", ")})
ON CONFLICT (record_id) DO NOTHING`;
  }

  /**
   * True when `SELECT 1` answers within `timeoutMs` (the readiness check must not wait a statement deadline); past
   * it, a DB_TIMEOUT error. The query itself stays bounded by the store's deadlines.
   */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DbTimeoutError({ detail: `ping: no answer within ${timeoutMs} ms` })),
        timeoutMs,
      );
    });
    try {
      const row = await Promise.race([this.db.one<{ ok: number }>("SELECT 1 AS ok"), expired]);
      return row.ok === 1;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Column names and types of the research table as the database has them (for the start-up check). */
  async tableColumns(): Promise<Map<string, string>> {
    const rows = await this.db.any<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1",
      [RESEARCH_TABLE],
    );
    return new Map(rows.map((r) => [r.column_name, r.data_type]));
  }

  async commit(batch: StoreBatch): Promise<StoreCommitResult> {
    let connection: Connection;
    try {
      connection = await this.db.connect();
    } catch (error) {
      throw classified(error);
    }
    let broken = false;
    try {
      await connection.none("BEGIN");
      const result = await this.#commitIn(connection, batch);
      await connection.none("COMMIT");
      return result;
    } catch (error) {
      // A connection whose deadline passed mid-statement is marked broken already: no ROLLBACK is queued on it.
      const lost = (connection.client as unknown as { $connectionError?: unknown }).$connectionError;
      if (lost) broken = true;
      else
        await connection.none("ROLLBACK").catch(() => {
          broken = true;
        });
      throw classified(error);
    } finally {
      connection.done(broken);
    }
  }

  async #commitIn(t: Connection, batch: StoreBatch): Promise<StoreCommitResult> {
    const topics = batch.offsets.map((o) => o.topic);
    const partitions = batch.offsets.map((o) => o.partition);
    // One statement creates missing offset rows and locks them all (ON CONFLICT DO UPDATE takes the row lock): a
    // replica that lost these partitions in a rebalance cannot interleave its writes with ours.
    const rows = await t.any<{ topic: string; partition: number; next_offset: string }>(
      new PQ({
        text: `INSERT INTO sink_offsets AS s (consumer_group, topic, partition, next_offset)
               SELECT $1, x.t, x.p, 0 FROM unnest($2::text[], $3::int[]) AS x(t, p) ORDER BY x.t, x.p
               ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = s.next_offset
               RETURNING s.topic, s.partition, s.next_offset`,
        values: [batch.consumerGroup, topics, partitions],
      }),
    );
    // By topic, then partition: a key string per record would be made for every row of every batch.
    const floor = new Map<string, Map<number, bigint>>();
    for (const r of rows) {
      let partitions = floor.get(r.topic);
      if (partitions === undefined) {
        partitions = new Map();
        floor.set(r.topic, partitions);
      }
      partitions.set(r.partition, BigInt(r.next_offset));
    }
    let skipped = 0;
    const fresh = (list: readonly StoreRecord[] | undefined): StoreRecord[] => {
      const kept: StoreRecord[] = [];
      for (const r of list ?? []) {
        if (r.offset < (floor.get(r.topic)?.get(r.partition) ?? 0n)) skipped++;
        else kept.push(r);
      }
      return kept;
    };
    const anonymised = fresh(batch.records.get(PATIENT_STORES.anonymised));
    const withheld = fresh(batch.records.get(PATIENT_STORES.withheld));
    const deadLetters = fresh(batch.records.get(PATIENT_STORES.deadLetters));

    if (anonymised.length > 0) {
      if (this.#mode === "copy") await this.#copyResearchRows(t, anonymised);
      else await t.none(new PQ({ text: this.#unnestInsert, values: this.#unnestValues(anonymised) }));
    }
    if (withheld.length > 0) {
      await t.none(
        new PQ({
          text: INSERT_WITHHELD,
          values: [
            withheld.map((r) => r.topic),
            withheld.map((r) => r.partition),
            withheld.map((r) => r.offset.toString()),
            withheld.map((r) => String((r.value as { reason?: unknown }).reason ?? "UNKNOWN")),
          ],
        }),
      );
    }
    if (deadLetters.length > 0) await t.none(deadLetterInsert(deadLetters));
    const written = anonymised.length + withheld.length + deadLetters.length;
    const stamps = anonymised.map((r) => r.value as { policy_version: string; key_id: string });
    // The offsets move and the audit row is written in one statement.
    await t.none(
      new PQ({
        text: `WITH moved AS (
                 UPDATE sink_offsets s SET next_offset = GREATEST(s.next_offset, x.n), updated_at = now()
                 FROM unnest($2::text[], $3::int[], $4::bigint[]) AS x(t, p, n)
                 WHERE s.consumer_group = $1 AND s.topic = x.t AND s.partition = x.p)
               INSERT INTO audit_batches (consumer_group, records, anonymised, withheld, dead_lettered,
                 skipped_replayed, offsets, policy_versions, key_ids)
               VALUES ($1, $5, $6, $7, $8, $9, $10::jsonb, $11::text[], $12::text[])`,
        values: [
          batch.consumerGroup,
          topics,
          partitions,
          batch.offsets.map((o) => o.nextOffset.toString()),
          written + skipped,
          anonymised.length,
          withheld.length,
          deadLetters.length,
          skipped,
          JSON.stringify(batch.offsets.map((o) => ({ ...o, nextOffset: o.nextOffset.toString() }))),
          [...new Set(stamps.map((s) => s.policy_version))],
          [...new Set(stamps.map((s) => s.key_id))],
        ],
      }),
    );
    return { written, skipped };
  }

  /**
   * COPY straight into the research table, in a savepoint. A unique violation (a record id already written) rolls
   * the savepoint back and the same rows go through the staging table instead, whose INSERT … ON CONFLICT DO
   * NOTHING skips the duplicates. Staging every batch cost PostgreSQL about a quarter more CPU per row.
   */
  async #copyResearchRows(t: Connection, records: readonly StoreRecord[]): Promise<void> {
    const chunks = copyChunks(this.fieldColumns, records);
    await t.none("SAVEPOINT research_copy");
    try {
      await this.#copy(t, RESEARCH_TABLE, chunks);
      await t.none("RELEASE SAVEPOINT research_copy");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      await t.none("ROLLBACK TO SAVEPOINT research_copy");
    }
    await t.none(
      `CREATE TEMP TABLE IF NOT EXISTS research_stage (LIKE ${RESEARCH_TABLE} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
    );
    await this.#copy(t, "research_stage", chunks);
    await t.none(
      `INSERT INTO ${RESEARCH_TABLE} (${this.#researchNames}) SELECT ${this.#researchNames} FROM research_stage ON CONFLICT (record_id) DO NOTHING`,
    );
  }

  async #copy(t: Connection, table: string, chunks: readonly Uint8Array[]): Promise<void> {
    const client = t.client as unknown as { query<T>(q: T): T };
    await pipeline(Readable.from(chunks), client.query(copyFrom(this.copyStatement(table))));
  }

  /** The COPY statement that reads copyChunks' data into `table` (the research table or one like it). */
  copyStatement(table: string): string {
    return `COPY ${table} (${this.#researchNames}) FROM STDIN (FORMAT binary)`;
  }

  #unnestValues(records: readonly StoreRecord[]): unknown[][] {
    if (records.some((r) => isPreparedRow(r.value)))
      throw new TypeError("the unnest insert needs record values, not rows prepared for COPY");
    const n = records.length;
    const fields = this.columns.length - PROVENANCE_COLUMNS.length;
    const cols: unknown[][] = this.columns.map(() => new Array(n));
    for (let i = 0; i < n; i++) {
      const r = records[i] as StoreRecord;
      const v = r.value as Record<string, unknown>;
      for (let c = 0; c < fields; c++) {
        const col = this.columns[c] as Column;
        (cols[c] as unknown[])[i] = unnestValue(col, v[col.name]);
      }
      (cols[fields] as unknown[])[i] = r.topic;
      (cols[fields + 1] as unknown[])[i] = r.partition;
      (cols[fields + 2] as unknown[])[i] = r.offset.toString();
    }
    return cols;
  }

  async close(): Promise<void> {
    await this.db.$pool.end();
  }
}

function deadLetterInsert(records: StoreRecord[]): pgPromise.ParameterizedQuery {
  const values = records.map((r) => r.value as DeadLetterMetadata);
  return new PQ({
    text: INSERT_DEAD_LETTERS,
    values: [
      values.map((v) => v.reasonCode),
      values.map((v) => v.exception),
      values.map((v) => v.message),
      values.map((v) => v.node),
      values.map((v) => v.extra["field"] ?? null),
      values.map((v) => (v.extra["schema.id"] === undefined ? null : Number(v.extra["schema.id"]))),
      records.map((r) => r.topic),
      records.map((r) => r.partition),
      records.map((r) => r.offset.toString()),
      records.map((r) => r.timestamp.toString()),
    ],
  });
}
