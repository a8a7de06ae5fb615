import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nhsCheckDigit } from "../../anonymise/index.ts";
import type { RunningPipeline } from "../../app/pipeline.ts";
import { poison } from "../../dev/producer/poison.ts";
import { createGenerator, type PatientRecordJson } from "../../dev/synthetic/index.ts";
import { createLogger } from "../../ops/logger.ts";
import { identifierSpellings } from "../support/leaks.ts";
import {
  counts,
  database,
  eventually,
  type PipelineEnv,
  preparePipelineEnv,
  rawProducer,
  readTopic,
  startInProcess,
} from "../support/pipeline.ts";

/** A synthetic patient whose identifiers are unusual enough that any hit anywhere is a leak. */
function canary(i: number): PatientRecordJson {
  const first = `99930${String(1000 + i).padStart(4, "0")}`;
  const nine = first.slice(0, 9);
  const check = nhsCheckDigit(nine) ?? 0;
  const nhs = `${nine}${check}`;
  return {
    ...createGenerator({ seed: 900 + i }).next(),
    patient_id: `CANARY${String(70_000 + i)}`,
    nhs_number: nhs,
    given_name: "Zebedee",
    family_name: `Quixotebury${String.fromCharCode(97 + i)}`,
    date_of_birth: "1951-02-17",
    address_line: `${12 + i} Wrenfold Crescent`,
    postcode: "LS7 4QR",
    phone: `07700 900${String(100 + i)}`,
    email: `zebedee.quixotebury${i}@example.com`,
    clinical_notes: `Mr Quixotebury${String.fromCharCode(97 + i)} (Zebedee, DOB 17/02/1951, NHS ${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}) seen; phone 07700 900${String(100 + i)}; lives at ${12 + i} Wrenfold Crescent, LS7 4QR. BP 120/80.`,
  };
}

function spellingsOf(r: PatientRecordJson): string[] {
  return [
    ...identifierSpellings(r).map(([field, s]) => (field === "name" && s.length < 6 ? "" : s)),
    "Wrenfold",
  ].filter((s) => s.length >= 5);
}

describe("canary: known synthetic identifiers appear nowhere outside the restricted dead-letter topic", () => {
  let env: PipelineEnv;
  let pipeline: RunningPipeline;
  let db: ReturnType<typeof database>;
  const lines: string[] = [];
  const canaries = Array.from({ length: 8 }, (_, i) => canary(i));
  const needles = canaries.flatMap(spellingsOf);
  const total = canaries.length + 3;

  beforeAll(async () => {
    env = await preparePipelineEnv("canary");
    db = database(env.databaseUrl);
    const producer = await rawProducer(env);
    // Consenting, opted out, consent missing, a value the policy refuses, and poison pills built from canaries.
    await producer.send(
      canaries.map((c, i) => ({
        ...c,
        national_data_opt_out: i === 1 ? true : i === 2 ? null : false,
        ...(i === 3 ? { gender: "not-a-gender-code" } : {}),
      })),
    );
    await producer.sendRaw([
      {
        key: Buffer.from(canaries[4]!.patient_id),
        value: poison("truncated", producer.encode(canaries[4]!), canaries[4]!.source_system),
      },
      {
        key: Buffer.from(canaries[5]!.patient_id),
        value: poison("trailing-bytes", producer.encode(canaries[5]!), canaries[5]!.source_system),
      },
      {
        key: Buffer.from(canaries[6]!.patient_id),
        value: poison("invalid-utf8", producer.encode(canaries[6]!), canaries[6]!.source_system),
      },
    ]);
    await producer.close();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        callback();
      },
    });
    pipeline = await startInProcess(
      env,
      { LOG_LEVEL: "debug", HTTP_PORT: "0" },
      { logger: createLogger({ level: "debug", destination: sink }), http: true },
    );
    expect(
      await eventually(async () => {
        const c = await counts(db);
        return c.rows + c.withheld + c.deadLetters >= total;
      }),
    ).toBe(true);
    // The database commits first; the Kafka transaction (and with it the metrics and logs of the batch) follows.
    expect(
      await eventually(async () => {
        const text = await (await fetch(`http://127.0.0.1:${port()}/metrics`)).text();
        return new RegExp(`^anonymiser_records_in_total ${total}$`, "m").test(text);
      }),
    ).toBe(true);
  });

  function port(): number {
    const address = pipeline.server?.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  afterAll(async () => {
    await pipeline?.stop();
    await db?.$pool.end();
  });

  function expectNoCanary(where: string, text: string): void {
    const hits = needles.filter((n) => text.toLowerCase().includes(n.toLowerCase()));
    expect(hits, `${where} contains canary identifiers`).toEqual([]);
  }

  it("accounts for every canary record", async () => {
    const c = await counts(db);
    expect(c.rows + c.withheld + c.deadLetters).toBe(total);
    expect(c.deadLetters).toBe(4);
    expect(c.withheld).toBe(2);
  });

  it("no log line carries an identifier (debug level, every event)", () => {
    expect(lines.some((l) => l.includes('"record.dead_lettered"'))).toBe(true);
    expect(lines.some((l) => l.includes('"batch.committed"'))).toBe(true);
    expectNoCanary("logs", lines.join("\n"));
  });

  it("no metric or health answer carries an identifier", async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${port()}/metrics`)).text();
    expect(metrics).toContain("anonymiser_records_total");
    expectNoCanary("metrics", metrics);
    expectNoCanary("health", await (await fetch(`http://127.0.0.1:${port()}/health/ready`)).text());
  });

  it("no database column of any table carries an identifier", async () => {
    const tables = await db.map<string>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      [],
      (r: { table_name: string }) => r.table_name,
    );
    expect(tables).toEqual(
      expect.arrayContaining([
        "anonymised_patient_records",
        "dead_letters",
        "withheld_records",
        "audit_batches",
      ]),
    );
    for (const table of tables) {
      const rows = await db.any("SELECT * FROM $1:name", [table]);
      expectNoCanary(`table ${table}`, JSON.stringify(rows));
    }
  });

  it("dead-letter headers and the anonymised topic carry no identifier; the raw bytes are on the restricted topic", async () => {
    const dlq = await readTopic(env.deadLetterTopic, 4);
    expect(dlq.length).toBe(4);
    for (const m of dlq) expectNoCanary("dead-letter headers", JSON.stringify([...m.headers.entries()]));
    // The restricted topic is the one place the original bytes may be: check they really are there.
    expect(dlq.some((m) => m.value.includes(Buffer.from("Wrenfold")))).toBe(true);
    // Canaries 0, 4, 5, 6 and 7 consent (4-6 were also sent again as poison pills).
    const anonymised = await readTopic(env.anonymisedTopic, 5);
    expect(anonymised.length).toBe(5);
    expectNoCanary(
      "anonymised topic",
      anonymised.map((m) => `${m.key?.toString("latin1")} ${m.value.toString("latin1")}`).join("\n"),
    );
  });
});
