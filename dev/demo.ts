import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pgPromise from "pg-promise";
import { createAnonymiser, parseKeyring } from "../anonymise/index.ts";
import { startPipeline } from "../app/pipeline.ts";
import { loadConfig } from "../ops/config.ts";
import { ensureTopics } from "../ops/kafka-admin.ts";
import { createLogger } from "../ops/logger.ts";
import { PIPELINE_VERSION } from "../ops/version.ts";
import { fromJsonForm } from "../schemas/json-form.ts";
import { loadSchema } from "../schemas/load.ts";
import { registerSchemas } from "../schemas/register.ts";
import { POISON_KINDS, type PoisonKind, poison } from "./producer/poison.ts";
import { RawRecordProducer } from "./producer/raw-producer.ts";
import { stateDir } from "./stack/paths.ts";
import { up } from "./stack/stack.ts";
import { createGenerator } from "./synthetic/index.ts";

/**
 * `npm run demo`: the whole product on an embedded local stack with synthetic records. Starts (or reuses) the stack,
 * registers the schemas, produces records (some deliberately bad), runs the pipeline until every record is
 * accounted for, and prints a summary. `--keep-running` leaves the pipeline up for curl and Prometheus.
 */
const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    "bad-every": { type: "string", default: "250" },
    "keep-running": { type: "boolean", default: false },
    "http-port": { type: "string", default: "9464" },
  },
});
const count = Number(values.count);
const badEvery = Number(values["bad-every"]);

function say(line = ""): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  say("== 1. local stack (Kafka, schema registry, PostgreSQL)");
  const stack = await up({ log: (line) => say(`   ${line}`) });
  const run = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const rawTopic = `demo-${run}-patient-records-raw`;
  const anonymisedTopic = `demo-${run}-patient-records-anonymised`;
  const deadLetterTopic = `demo-${run}-patient-records-dlq`;
  const pgp = pgPromise();
  const admin = pgp(stack.endpoints.DATABASE_URL);
  const dbName = `anonymiser_demo_${run}`;
  await admin.none("CREATE DATABASE $1:name", [dbName]);
  const dbUrl = new URL(stack.endpoints.DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;

  // A throw-away keyring for this demo only (a real deployment reads its keyring from a secret store).
  mkdirSync(stateDir(), { recursive: true });
  const keyringFile = join(stateDir(), `demo-keyring-${run}.json`);
  writeFileSync(
    keyringFile,
    JSON.stringify({ active: "demo1", keys: { demo1: randomBytes(32).toString("base64") } }),
    {
      mode: 0o600,
    },
  );

  say("== 2. topics and schemas");
  const bootstrap = stack.endpoints.KAFKA_BOOTSTRAP_SERVERS.split(",");
  await ensureTopics(bootstrap, [
    { name: rawTopic, partitions: 6 },
    { name: anonymisedTopic, partitions: 6 },
    { name: deadLetterTopic, partitions: 1 },
  ]);
  for (const r of await registerSchemas({
    registryUrl: stack.endpoints.SCHEMA_REGISTRY_URL,
    rawTopic,
    anonymisedTopic,
  })) {
    say(`   ${r.subject} -> schema id ${r.id}`);
  }

  say(`== 3. producing ${count} synthetic records (1 in ${badEvery} deliberately bad)`);
  const producer = await RawRecordProducer.create({
    bootstrap,
    registryUrl: stack.endpoints.SCHEMA_REGISTRY_URL,
    topic: rawTopic,
  });
  const generator = createGenerator({
    seed: Number(run.slice(-6)),
    patients: Math.max(10, Math.floor(count / 8)),
  });
  const kinds = Object.keys(POISON_KINDS) as PoisonKind[];
  let sample: ReturnType<typeof generator.next> | undefined;
  let bad = 0;
  for (let sent = 0; sent < count; ) {
    const messages = [];
    for (let i = 0; i < 1000 && sent < count; i++, sent++) {
      const record = generator.next();
      let value = producer.encode(record);
      if (badEvery > 0 && (sent + 1) % badEvery === 0) {
        value = poison(kinds[bad++ % kinds.length]!, value, record.source_system);
      } else if (!sample && record.national_data_opt_out === false && record.clinical_notes) {
        sample = record;
      }
      messages.push({ key: Buffer.from(record.patient_id), value });
    }
    await producer.sendRaw(messages);
  }
  await producer.close();

  say("== 4. pipeline");
  const config = loadConfig({
    ...process.env,
    ...stack.endpoints,
    DATABASE_URL: dbUrl.toString(),
    KEYRING_FILE: keyringFile,
    KEYRING_JSON: "",
    RAW_TOPIC: rawTopic,
    ANONYMISED_TOPIC: anonymisedTopic,
    DEAD_LETTER_TOPIC: deadLetterTopic,
    CONSUMER_GROUP: `demo-${run}`,
    HTTP_PORT: values["http-port"],
    // Each dead letter is logged at warn; the demo's summary reports them instead.
    LOG_LEVEL: process.env["LOG_LEVEL"] ?? "error",
  });
  const started = Date.now();
  const pipeline = await startPipeline(config, createLogger({ level: config.logLevel }));
  say(`   metrics and health on http://127.0.0.1:${config.httpPort}/metrics, /health/live, /health/ready`);
  const db = pgp(dbUrl.toString());
  type Totals = { rows: number; withheld: number; dead: number };
  const totals = async (): Promise<Totals> => {
    const r = await db.one<{ rows: string; withheld: string; dead: string }>(
      `SELECT (SELECT count(*) FROM anonymised_patient_records) AS rows, (SELECT count(*) FROM withheld_records) AS withheld,
              (SELECT count(*) FROM dead_letters) AS dead`,
    );
    return { rows: Number(r.rows), withheld: Number(r.withheld), dead: Number(r.dead) };
  };
  let t = await totals();
  while (t.rows + t.withheld + t.dead < count) {
    await new Promise((r) => setTimeout(r, 250));
    t = await totals();
    if (Date.now() - started > 10 * 60_000) throw new Error("the pipeline did not drain within 10 minutes");
  }
  const seconds = (Date.now() - started) / 1000;

  say("== 5. summary");
  say(`   records in         ${count}`);
  say(`   anonymised         ${t.rows}   (rows in PostgreSQL: ${t.rows})`);
  say(`   withheld           ${t.withheld}   (national data opt-out, or consent flag missing)`);
  say(`   dead-lettered      ${t.dead}`);
  say(`   accounted for      ${t.rows + t.withheld + t.dead} of ${count}`);
  say(
    `   throughput         ${(count / seconds).toFixed(0)} records/s end to end (${seconds.toFixed(1)} s, batches committed to Kafka and PostgreSQL)`,
  );
  const reasons = await db.any<{ reason_code: string; n: string }>(
    "SELECT reason_code, count(*) AS n FROM dead_letters GROUP BY 1 ORDER BY 1",
  );
  say(`   dead letters by reason: ${reasons.map((r) => `${r.reason_code}=${r.n}`).join(", ")}`);
  const dup = await db.one<{ n: string }>(
    "SELECT count(*) - count(DISTINCT record_id) AS n FROM anonymised_patient_records",
  );
  say(`   duplicate record ids in PostgreSQL: ${dup.n}`);
  if (sample) {
    // Find the sample's own row: its record token is the keyed pseudonym of its record id.
    const engine = createAnonymiser({
      rawSchema: loadSchema("patientRecord"),
      keyring: parseKeyring(config.keyringJson),
      strategy: config.strategy,
      pipelineVersion: PIPELINE_VERSION,
    });
    const converted = fromJsonForm(loadSchema("patientRecord"), sample);
    const result = converted.ok ? engine.anonymise(converted.value) : undefined;
    const token = result?.kind === "anonymised" ? result.value["record_id"] : undefined;
    const row = await db.oneOrNone(
      `SELECT record_id, event_time, patient_id, nhs_number, year_of_birth, age_band, postcode_district, admission_date::text,
              discharge_date::text, diagnosis_codes, clinical_notes, policy_version, strategy, key_id, pipeline_version
         FROM anonymised_patient_records WHERE record_id = $1`,
      [token],
    );
    say("\n== before (synthetic raw record)");
    say(JSON.stringify(sample, null, 2));
    say("== after (a row of the research table; identifiers replaced, dates shifted, text scrubbed)");
    say(JSON.stringify(row, null, 2));
  }
  say(`\n   topics: ${rawTopic}, ${anonymisedTopic}, ${deadLetterTopic}; database: ${dbName}`);
  if (values["keep-running"]) {
    say("   the pipeline keeps running (Ctrl-C stops it; the stack stays up: npm run stack:down)");
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
  await pipeline.stop();
  // A connection still closing when the stack stops gets the server's shutdown notice as an error event: expected.
  for (const pool of [db.$pool, admin.$pool]) {
    pool.on("error", () => undefined);
    await pool.end();
  }
  if (stack.startedHere && !values["keep-running"]) {
    say("== stopping the stack this demo started");
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
