import pgPromise, { type IDatabase, type ITask } from "pg-promise";
import { CodedError } from "../contracts/index.ts";
import type { AnonymisedPatientRecord } from "../schemas/types.ts";

/** Store names the patient topology writes to (its toStore() names). */
export const STORES = Object.freeze({
  anonymised: "anonymised",
  withheld: "withheld",
  deadLetters: "dead-letters",
});

/** Structurally the runtime's StoreBatch / StoreRecord: sinks/ does not import the topology. */
export interface SinkRecord {
  value: unknown;
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
}
export interface SinkBatch {
  consumerGroup: string;
  records: ReadonlyMap<string, readonly SinkRecord[]>;
  offsets: ReadonlyArray<{ topic: string; partition: number; nextOffset: bigint }>;
}

interface DeadLetterValue {
  reasonCode: string;
  exception: string;
  message: string;
  node: string;
  extra: Record<string, string>;
}

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

const INSERT_ANONYMISED = `
INSERT INTO anonymised_patient_records (
  record_id, event_time, source_system, patient_id, nhs_number, year_of_birth, age_band, gender, ethnic_category,
  postcode_district, gp_practice_code, admission_date, discharge_date, diagnosis_codes, clinical_notes,
  policy_version, strategy, key_id, pipeline_version, source_topic, source_partition, source_offset)
SELECT r.record_id, to_timestamp(r.event_ms / 1000.0), r.source_system, r.patient_id, r.nhs_number, r.year_of_birth,
  r.age_band, r.gender, r.ethnic_category, r.postcode_district, r.gp_practice_code,
  DATE '1970-01-01' + r.admission_days, DATE '1970-01-01' + r.discharge_days,
  ARRAY(SELECT jsonb_array_elements_text(r.diagnosis_json::jsonb)), r.clinical_notes,
  r.policy_version, r.strategy, r.key_id, r.pipeline_version, r.source_topic, r.source_partition, r.source_offset
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[],
  $10::text[], $11::text[], $12::int[], $13::int[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
  $19::text[], $20::text[], $21::int[], $22::bigint[])
  AS r(record_id, event_ms, source_system, patient_id, nhs_number, year_of_birth, age_band, gender, ethnic_category,
  postcode_district, gp_practice_code, admission_days, discharge_days, diagnosis_json, clinical_notes, policy_version,
  strategy, key_id, pipeline_version, source_topic, source_partition, source_offset)
ON CONFLICT (record_id) DO NOTHING`;

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

/**
 * The PostgreSQL side of exactly-once: each batch's rows and the consumed offsets commit in one transaction.
 * Rows at offsets this consumer group has already committed are skipped (a replay after a crash between this
 * commit and the Kafka commit), and the research table's primary key is a second guard.
 */
export class PostgresStore {
  readonly db: IDatabase<unknown>;

  constructor(
    connection: string | Record<string, unknown>,
    options: { poolSize?: number; deadlines?: Partial<DbDeadlines> } = {},
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

  async commit(batch: SinkBatch): Promise<{ written: number; skipped: number }> {
    try {
      return await this.db.tx("sink-commit", (t) => this.#commitIn(t, batch));
    } catch (error) {
      if (isDbTimeout(error)) throw new DbTimeoutError({ cause: error });
      if (isTransientDbError(error)) throw new SinkUnavailableError({ cause: error });
      throw error;
    }
  }

  async #commitIn(t: ITask<unknown>, batch: SinkBatch): Promise<{ written: number; skipped: number }> {
    const topics = batch.offsets.map((o) => o.topic);
    const partitions = batch.offsets.map((o) => o.partition);
    await t.none(
      new PQ({
        text: `INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset)
               SELECT $1, x.t, x.p, 0 FROM unnest($2::text[], $3::int[]) AS x(t, p) ON CONFLICT DO NOTHING`,
        values: [batch.consumerGroup, topics, partitions],
      }),
    );
    // FOR UPDATE: a replica that lost these partitions in a rebalance cannot interleave its writes with ours.
    const rows = await t.any<{ topic: string; partition: number; next_offset: string }>(
      new PQ({
        text: `SELECT s.topic, s.partition, s.next_offset FROM sink_offsets s
               JOIN unnest($2::text[], $3::int[]) AS x(t, p) ON s.topic = x.t AND s.partition = x.p
               WHERE s.consumer_group = $1 ORDER BY s.topic, s.partition FOR UPDATE OF s`,
        values: [batch.consumerGroup, topics, partitions],
      }),
    );
    const floor = new Map(rows.map((r) => [`${r.topic}\u0000${r.partition}`, BigInt(r.next_offset)]));
    let skipped = 0;
    const fresh = (list: readonly SinkRecord[] | undefined): SinkRecord[] => {
      const kept: SinkRecord[] = [];
      for (const r of list ?? []) {
        if (r.offset < (floor.get(`${r.topic}\u0000${r.partition}`) ?? 0n)) skipped++;
        else kept.push(r);
      }
      return kept;
    };
    const anonymised = fresh(batch.records.get(STORES.anonymised));
    const withheld = fresh(batch.records.get(STORES.withheld));
    const deadLetters = fresh(batch.records.get(STORES.deadLetters));

    if (anonymised.length > 0) await t.none(anonymisedInsert(anonymised));
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
    await t.none(
      new PQ({
        text: `UPDATE sink_offsets s SET next_offset = GREATEST(s.next_offset, x.n), updated_at = now()
               FROM unnest($2::text[], $3::int[], $4::bigint[]) AS x(t, p, n)
               WHERE s.consumer_group = $1 AND s.topic = x.t AND s.partition = x.p`,
        values: [batch.consumerGroup, topics, partitions, batch.offsets.map((o) => o.nextOffset.toString())],
      }),
    );
    const written = anonymised.length + withheld.length + deadLetters.length;
    const stamps = anonymised.map((r) => r.value as AnonymisedPatientRecord);
    await t.none(
      new PQ({
        text: `INSERT INTO audit_batches (consumer_group, records, anonymised, withheld, dead_lettered, skipped_replayed,
                 offsets, policy_versions, key_ids)
               VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::text[], $9::text[])`,
        values: [
          batch.consumerGroup,
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

  async close(): Promise<void> {
    await this.db.$pool.end();
  }
}

function anonymisedInsert(records: SinkRecord[]): pgPromise.ParameterizedQuery {
  const n = records.length;
  const cols: unknown[][] = Array.from({ length: 22 }, () => new Array(n));
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const v = r.value as AnonymisedPatientRecord;
    const row = [
      v.record_id,
      v.event_time,
      v.source_system,
      v.patient_id,
      v.nhs_number,
      v.year_of_birth,
      v.age_band,
      v.gender,
      v.ethnic_category,
      v.postcode_district,
      v.gp_practice_code,
      v.admission_date,
      v.discharge_date,
      JSON.stringify(v.diagnosis_codes),
      v.clinical_notes,
      v.policy_version,
      v.strategy,
      v.key_id,
      v.pipeline_version,
      r.topic,
      r.partition,
      r.offset.toString(),
    ];
    for (let c = 0; c < row.length; c++) cols[c]![i] = row[c];
  }
  return new PQ({ text: INSERT_ANONYMISED, values: cols });
}

function deadLetterInsert(records: SinkRecord[]): pgPromise.ParameterizedQuery {
  const values = records.map((r) => r.value as DeadLetterValue);
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
