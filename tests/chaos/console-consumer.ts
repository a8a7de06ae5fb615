import { spawn } from "node:child_process";
import { kafkaTools } from "../../dev/stack/kafka-tools.ts";
import { cacheDir } from "../../dev/stack/paths.ts";

/**
 * Reads a whole topic with Apache Kafka's own console consumer (the Java client from the broker's release), not with
 * the client the pipeline uses: an independent reader under read_committed, so that a bug shared by the pipeline and
 * our usual test reader cannot hide itself. Values, keys and headers are written raw (no deserializer), framed by
 * separators that a record cannot plausibly contain, and split back into buffers here.
 */
export interface ConsoleRecord {
  /** The record's timestamp (ms since the epoch). */
  timestamp: number;
  partition: number;
  offset: number;
  headers: Map<string, string>;
  key: Buffer | null;
  value: Buffer | null;
}

const FIELD = "\u0001~chaos-field~\u0002";
const RECORD = "\u0001~chaos-record~\u0003\n";
const HEADER = "\u0001~chaos-header~\u0002";

export async function readTopicWithJava(
  bootstrap: string,
  topic: string,
  options: { idleMs?: number; timeoutMs?: number } = {},
): Promise<ConsoleRecord[]> {
  const { java, classpath } = await kafkaTools(cacheDir());
  const args = [
    "-Xmx256m",
    "-cp",
    classpath,
    "org.apache.kafka.tools.consumer.ConsoleConsumer",
    "--bootstrap-server",
    bootstrap,
    "--topic",
    topic,
    "--from-beginning",
    "--isolation-level",
    "read_committed",
    // Exits once no record has come for this long (the topics are complete: every writer has stopped).
    "--timeout-ms",
    String(options.idleMs ?? 15_000),
    ...[
      "print.timestamp",
      "print.partition",
      "print.offset",
      "print.headers",
      "print.key",
      "print.value",
    ].flatMap((p) => ["--property", `${p}=true`]),
    "--property",
    `key.separator=${FIELD}`,
    "--property",
    `line.separator=${RECORD}`,
    "--property",
    `headers.separator=${HEADER}`,
    "--property",
    "null.literal=\u0001~null~",
  ];
  const chunks: Buffer[] = [];
  let stderr = "";
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(java, args, { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`console consumer for ${topic} exited ${code}: ${stderr.slice(-2_000)}`);
  return parseConsoleOutput(Buffer.concat(chunks));
}

function splitBuffer(buffer: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = buffer.indexOf(separator, from); at >= 0; at = buffer.indexOf(separator, from)) {
    parts.push(buffer.subarray(from, at));
    from = at + separator.length;
  }
  parts.push(buffer.subarray(from));
  return parts;
}

const NULL = Buffer.from("\u0001~null~");
const orNull = (b: Buffer) => (b.equals(NULL) ? null : b);

export function parseConsoleOutput(output: Buffer): ConsoleRecord[] {
  const records: ConsoleRecord[] = [];
  const framed = splitBuffer(output, Buffer.from(RECORD));
  // The last frame is what follows the final separator: empty.
  for (const frame of framed.slice(0, -1)) {
    const [timestamp, partition, offset, headers, key, value, ...rest] = splitBuffer(
      frame,
      Buffer.from(FIELD),
    );
    if (!timestamp || !partition || !offset || !headers || !key || !value || rest.length > 0) {
      throw new Error(`console consumer output not understood: ${frame.subarray(0, 120).toString("latin1")}`);
    }
    const headerMap = new Map<string, string>();
    const headerText = headers.toString("utf8");
    if (headerText !== "NO_HEADERS") {
      for (const h of headerText.split(HEADER)) {
        const colon = h.indexOf(":");
        headerMap.set(h.slice(0, colon), h.slice(colon + 1));
      }
    }
    records.push({
      timestamp: Number(/\d+/.exec(timestamp.toString())?.[0]),
      partition: Number(/\d+/.exec(partition.toString())?.[0]),
      offset: Number(/\d+/.exec(offset.toString())?.[0]),
      headers: headerMap,
      key: orNull(key),
      value: orNull(value),
    });
  }
  return records;
}
