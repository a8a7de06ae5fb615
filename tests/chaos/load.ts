import { POISON_KINDS, type PoisonKind, poison } from "../../dev/producer/poison.ts";
import type { RawRecordProducer } from "../../dev/producer/raw-producer.ts";
import { createGenerator, type PatientRecordJson } from "../../dev/synthetic/index.ts";
import type { AvroEncoder } from "../../schemas/avro-codec.ts";
import { toAvro } from "../support/anonymiser.ts";
import { IdentifierIndex } from "../support/leaks.ts";
import { sleep } from "../support/wait.ts";
import { type LoadPlan, prng } from "./schedule.ts";

/** Every kind of bad input the chaos run mixes in, with the dead-letter reason code it must end up with. */
export const PILLS = {
  ...POISON_KINDS,
  oversize: "RECORD_OVERSIZE",
  "refused-value": "ANON_VALUE_INVALID",
  "unknown-field": "ANON_FIELD_UNKNOWN",
} as const;
export type PillKind = keyof typeof PILLS;
const PILL_KINDS = Object.keys(PILLS) as PillKind[];

/** The pipeline's MAX_RECORD_BYTES in the chaos run: every synthetic record fits, the oversize pill does not. */
export const CHAOS_MAX_RECORD_BYTES = 8_192;

const PILL_KEY = /^pill:([a-z0-9-]+):\d+$/;

/** The kind of pill a raw-topic key names, or undefined for an ordinary record (keyed by its patient id). */
export function pillKindOf(key: Buffer | null): PillKind | undefined {
  const kind = key ? PILL_KEY.exec(key.toString("latin1"))?.[1] : undefined;
  return kind && kind in PILLS ? (kind as PillKind) : undefined;
}

/**
 * The steady and bursty synthetic load with poison pills, produced with the project's producer. Content is a
 * function of the seed (records from the synthetic generator, pills chosen by a PRNG), timing follows the plan.
 * While the broker is stopped the load waits (an upstream system would buffer); a send that fails or hangs is
 * counted and not retried, so no record is produced twice: the raw topic, read back at the end, is the truth.
 */
export class ChaosLoad {
  /** Every record produced (or attempted), by its raw record_id. */
  readonly records = new Map<string, PatientRecordJson>();
  readonly identifiers = new IdentifierIndex();
  readonly stats = { recordsSent: 0, pillsSent: 0, sendFailures: 0, ticksSkipped: 0, burstRecords: 0 };
  brokerDown = false;
  #stopped = false;
  #pills = 0;
  readonly #generator;
  readonly #random;
  readonly #plan: LoadPlan;
  readonly #newProducer: () => Promise<RawRecordProducer>;
  readonly #rogueEncoder: AvroEncoder;
  #producer: RawRecordProducer;

  constructor(options: {
    seed: number;
    plan: LoadPlan;
    producer: RawRecordProducer;
    newProducer: () => Promise<RawRecordProducer>;
    rogueEncoder: AvroEncoder;
  }) {
    this.#generator = createGenerator({ seed: options.seed, patients: 2_000 });
    this.#random = prng(options.seed ^ 0x5eed_10ad);
    this.#plan = options.plan;
    this.#producer = options.producer;
    this.#newProducer = options.newProducer;
    this.#rogueEncoder = options.rogueEncoder;
  }

  #record(): PatientRecordJson {
    const json = this.#generator.next();
    this.records.set(json.record_id, json);
    this.identifiers.add(json);
    return json;
  }

  #pill(kind: PillKind): { key: Buffer; value: Buffer } {
    const json = this.#record();
    const key = Buffer.from(`pill:${kind}:${this.#pills++}`);
    switch (kind) {
      case "oversize": {
        // Over the limit whatever the name: 2,000 times a three-letter surname with the rest of a record came to
        // about the limit itself, and such a "pill" was rightly anonymised.
        const times = Math.max(2_000, Math.ceil(CHAOS_MAX_RECORD_BYTES / (json.family_name.length + 1)) + 1);
        const value = this.#producer.encode({
          ...json,
          clinical_notes: `${json.family_name} `.repeat(times),
        });
        if (value.length <= CHAOS_MAX_RECORD_BYTES)
          throw new Error(`an oversize pill of ${value.length} bytes is within the limit`);
        return { key, value };
      }
      case "refused-value":
        return {
          key,
          value: this.#producer.encode({
            ...json,
            gender: "not-a-gender-code",
            national_data_opt_out: false,
          }),
        };
      case "unknown-field":
        return {
          key,
          value: this.#rogueEncoder.encode({ ...toAvro(json), mothers_maiden_name: json.family_name }),
        };
      default:
        return { key, value: poison(kind as PoisonKind, this.#producer.encode(json), json.source_system) };
    }
  }

  #messages(n: number): Array<{ key: Buffer; value: Buffer }> {
    return Array.from({ length: n }, () => {
      if (this.#random() < this.#plan.pillRate) {
        this.stats.pillsSent++;
        return this.#pill(PILL_KINDS[Math.floor(this.#random() * PILL_KINDS.length)]!);
      }
      this.stats.recordsSent++;
      const json = this.#record();
      return { key: Buffer.from(json.patient_id), value: this.#producer.encode(json) };
    });
  }

  async #send(messages: Array<{ key: Buffer; value: Buffer }>): Promise<void> {
    const sent = this.#producer.sendRaw(messages);
    const outcome = await Promise.race([
      sent.then(() => "ok" as const).catch(() => "failed" as const),
      sleep(30_000).then(() => "hung" as const),
    ]);
    if (outcome === "ok") return;
    this.stats.sendFailures++;
    const old = this.#producer;
    void old.close().catch(() => undefined);
    this.#producer = await this.#newProducer();
  }

  /** Runs until `stop()`: a steady tick every `tickMs` and the planned bursts (offsets from `phaseStart`). */
  async run(phaseStart: number): Promise<void> {
    const bursts = [...this.#plan.bursts];
    while (!this.#stopped) {
      if (this.brokerDown) {
        this.stats.ticksSkipped++;
      } else {
        const due =
          bursts[0] && Date.now() - phaseStart >= bursts[0].atS * 1_000 ? bursts.shift() : undefined;
        const n = this.#plan.steadyPerTick + (due?.records ?? 0);
        if (due) this.stats.burstRecords += due.records;
        for (let i = 0; i < n; i += 250) await this.#send(this.#messages(Math.min(250, n - i)));
      }
      await sleep(this.#plan.tickMs);
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => undefined);
  }
}
