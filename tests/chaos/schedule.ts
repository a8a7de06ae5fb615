/**
 * The chaos run's plan, a pure function of (seed, minutes, replicas): the same seed gives the same faults at the
 * same offsets from the start of the fault phase, and the same load (steady ticks, bursts, poison pills).
 */

/** mulberry32: a small, fast 32-bit PRNG; good enough for a fault schedule and fully reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export type StackFaultKind = "broker" | "postgres" | "registry";
export type ReplicaFaultKind = "kill-9" | "sigterm";

export type FaultEvent =
  | { atS: number; kind: StackFaultKind; downS: number }
  | { atS: number; kind: ReplicaFaultKind; replica: number };

/** Outage lengths (seconds) by server, as issue 12 asks. */
export const OUTAGE_S: Record<StackFaultKind, [number, number]> = {
  broker: [5, 120],
  postgres: [5, 60],
  registry: [5, 60],
};

const STACK_KINDS: StackFaultKind[] = ["broker", "postgres", "registry"];

export interface LoadPlan {
  /** Records per steady tick (every `tickMs`). */
  steadyPerTick: number;
  tickMs: number;
  /** Extra records sent at once at these offsets from the phase start. */
  bursts: Array<{ atS: number; records: number }>;
  /** Chance that a produced message is a poison pill instead of a record. */
  pillRate: number;
}

export interface ChaosPlan {
  seed: number;
  minutes: number;
  replicas: number;
  faults: FaultEvent[];
  load: LoadPlan;
}

/**
 * Two independent fault streams from one PRNG, so that they overlap as they would in real life: outages of the
 * stack's servers one after another (broker 5–120 s, PostgreSQL 5–60 s, registry 5–60 s, 10–40 s apart), and kills
 * of replicas (kill -9 or SIGTERM, 10–40 s apart). Every outage ends inside the phase.
 */
export function planChaos(seed: number, minutes: number, replicas: number): ChaosPlan {
  const random = prng(seed);
  const phaseS = Math.round(minutes * 60);
  const faults: FaultEvent[] = [];
  for (let at = between(random, 10, 25); at + OUTAGE_S.postgres[0] <= phaseS; ) {
    const kind = STACK_KINDS[between(random, 0, STACK_KINDS.length - 1)]!;
    const [min, max] = OUTAGE_S[kind];
    const downS = Math.min(between(random, min, max), phaseS - at);
    faults.push({ atS: at, kind, downS });
    at += downS + between(random, 10, 40);
  }
  for (let at = between(random, 15, 30); at < phaseS; at += between(random, 10, 40)) {
    faults.push({
      atS: at,
      kind: random() < 0.5 ? "kill-9" : "sigterm",
      replica: between(random, 0, replicas - 1),
    });
  }
  faults.sort((a, b) => a.atS - b.atS);
  const bursts: LoadPlan["bursts"] = [];
  for (let at = between(random, 5, 40); at < phaseS; at += between(random, 20, 60)) {
    bursts.push({ atS: at, records: between(random, 200, 1_200) });
  }
  return {
    seed,
    minutes,
    replicas,
    faults,
    load: { steadyPerTick: 10, tickMs: 500, bursts, pillRate: 0.01 },
  };
}

export function describeFault(f: FaultEvent): string {
  return "downS" in f ? `${f.kind} down ${f.downS} s` : `${f.kind} replica-${f.replica}`;
}

export function formatPlan(plan: ChaosPlan): string {
  const lines = [
    `chaos plan: seed ${plan.seed}, fault phase ${plan.minutes} min, ${plan.replicas} replicas`,
    `load: ${(plan.load.steadyPerTick * 1000) / plan.load.tickMs} records/s steady, ${plan.load.bursts.length} bursts ` +
      `(${plan.load.bursts.map((b) => `${b.records}@${b.atS}s`).join(", ")}), ${plan.load.pillRate * 100}% poison pills`,
    "fault schedule (seconds from the start of the fault phase):",
    ...plan.faults.map((f) => `  t+${String(f.atS).padStart(4)} s  ${describeFault(f)}`),
  ];
  return lines.join("\n");
}
