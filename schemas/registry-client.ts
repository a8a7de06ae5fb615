import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import avro from "avsc";
import { SchemaError } from "./errors.ts";

/**
 * How long one registry call may take. Every request has a connect deadline and a response deadline (from sending
 * the request to the last byte of the answer); when either passes, the request is aborted and its socket destroyed.
 * The calls this client makes are all safe to repeat (look-ups, and registration, which returns the same id for the
 * same schema), so a call is tried `attempts` times when the registry does not answer, answers 5xx, 408 or 429, or
 * the connection fails. The worst case for one call is therefore about attempts × responseMs plus the backoff.
 */
export interface RegistryDeadlines {
  /** Longest wait for the TCP connection (ms). */
  connectMs: number;
  /** Longest wait for one request's complete answer (ms). */
  responseMs: number;
  /** Tries per call (1 = no retry). */
  attempts: number;
}

export const REGISTRY_DEADLINES: Readonly<RegistryDeadlines> = Object.freeze({
  connectMs: 5_000,
  responseMs: 10_000,
  attempts: 3,
});

/** The deadlines for a configured response deadline (REGISTRY_TIMEOUT_MS): connecting gets 5 s, or less. */
export function registryDeadlines(responseMs: number): RegistryDeadlines {
  return { ...REGISTRY_DEADLINES, responseMs, connectMs: Math.min(REGISTRY_DEADLINES.connectMs, responseMs) };
}

/** Registry answers are small JSON documents; anything bigger is refused rather than buffered. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const RETRY_BASE_MS = 250;
const CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

interface Answer {
  status: number;
  body: unknown;
}

/** A request that got no complete answer: no connection, no answer in time, or the connection broke. */
interface NoAnswer {
  failed: string;
  cause?: unknown;
}

/**
 * The registry over the standard Confluent REST API (Apicurio's ccompat API and Confluent's own registry both
 * work), on Node's HTTP client with a private keep-alive agent: idle sockets close after a few seconds and `close()`
 * destroys them all. Writer schemas are fetched by id once and cached for the process.
 */
export class RegistryClient {
  readonly #base: URL;
  readonly #agent: HttpAgent;
  readonly #deadlines: RegistryDeadlines;
  readonly #writerSchemas = new Map<number, Promise<object>>();

  constructor(url: string, options: { deadlines?: Partial<RegistryDeadlines> } = {}) {
    this.#base = new URL(url.replace(/\/+$/, ""));
    this.#deadlines = { ...REGISTRY_DEADLINES, ...options.deadlines };
    // An idle kept-alive socket is closed after 4 s (servers and load balancers close theirs later than that), so a
    // command never exits holding one; the agent unrefs idle sockets, and close() destroys every socket.
    const agentOptions = { keepAlive: true, maxSockets: 8, timeout: 4_000 };
    this.#agent =
      this.#base.protocol === "https:" ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  /** Registers (idempotently) a schema under a subject; the registry refuses an incompatible change. */
  async register(subject: string, schema: object): Promise<number> {
    const what = `registering subject ${subject}`;
    const answer = await this.#call(what, "POST", `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema: JSON.stringify(schema),
    });
    if (answer.status === 409) {
      throw new SchemaError(
        "SCHEMA_INCOMPATIBLE",
        `the registry refused the schema for subject ${subject} as incompatible with its earlier versions`,
      );
    }
    return idIn(answer, what);
  }

  /** The id of this exact schema under `subject`, or a SCHEMA_NOT_REGISTERED error. */
  async idOf(subject: string, schema: object): Promise<number> {
    const what = `looking up subject ${subject}`;
    const answer = await this.#call(what, "POST", `/subjects/${encodeURIComponent(subject)}`, {
      schema: JSON.stringify(schema),
    });
    if (answer.status === 404) {
      throw new SchemaError(
        "SCHEMA_NOT_REGISTERED",
        `schema not registered under subject ${subject}: run \`npm run schemas:register\``,
      );
    }
    return idIn(answer, what);
  }

  /**
   * The writer schema (canonical JSON) for a registry id. Unknown id → permanent; a schema that is not Avro →
   * permanent; no answer, 5xx or any other refusal → transient (the world's fault: retried, never dead-lettered).
   */
  writerSchema(id: number): Promise<object> {
    let cached = this.#writerSchemas.get(id);
    if (!cached) {
      cached = this.#fetchWriterSchema(id);
      // Only successes stay cached: a transient failure must be retried, an unknown id may be registered later.
      cached.catch(() => this.#writerSchemas.delete(id));
      this.#writerSchemas.set(id, cached);
    }
    return cached;
  }

  /** True when the registry's subject list answers within `timeoutMs` (one try, never throws). */
  async ping(timeoutMs = 2_000): Promise<boolean> {
    const deadlines = { connectMs: Math.min(this.#deadlines.connectMs, timeoutMs), responseMs: timeoutMs };
    const answer = await this.#send("GET", "/subjects", undefined, deadlines);
    return "status" in answer && answer.status >= 200 && answer.status < 300;
  }

  /** Destroys every socket this client holds (idle or in use). */
  close(): void {
    this.#agent.destroy();
  }

  async #fetchWriterSchema(id: number): Promise<object> {
    const answer = await this.#call(`fetching schema id ${id}`, "GET", `/schemas/ids/${id}`);
    const extra = { "schema.id": String(id) };
    if (answer.status === 404) {
      throw new SchemaError("SCHEMA_UNKNOWN_ID", `schema id ${id} is not known to the registry`, { extra });
    }
    if (answer.status !== 200) throw unavailable(`fetching schema id ${id}`, `status ${answer.status}`);
    const found = answer.body as { schema?: unknown; schemaType?: unknown } | null;
    const notAvro = () =>
      new SchemaError("SCHEMA_NOT_AVRO", `schema id ${id} is not an Avro schema`, { extra });
    if (typeof found?.schema !== "string")
      throw unavailable(`fetching schema id ${id}`, "answer has no schema");
    if (found.schemaType !== undefined && found.schemaType !== "AVRO") throw notAvro();
    try {
      return avro.Type.forSchema(JSON.parse(found.schema)).schema({ exportAttrs: false }) as object;
    } catch {
      throw notAvro();
    }
  }

  /**
   * One call, tried up to `attempts` times while the failure is one a retry can cure (no connection, no answer in
   * time, 5xx, 408, 429). Any other answer is returned for the caller to give 404, 409 and the rest their meaning.
   */
  async #call(what: string, method: "GET" | "POST", path: string, body?: object): Promise<Answer> {
    const { attempts } = this.#deadlines;
    let lastReason = "";
    let lastCause: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(Math.min(RETRY_BASE_MS * 2 ** (attempt - 2), 2_000));
      const answer = await this.#send(method, path, body, this.#deadlines);
      if ("failed" in answer) {
        lastReason = answer.failed;
        lastCause = answer.cause;
      } else if (isRetriableStatus(answer.status)) {
        lastReason = `status ${answer.status}`;
        lastCause = undefined;
      } else {
        return answer;
      }
    }
    const tries = attempts === 1 ? "" : ` (${attempts} tries; the last: ${lastReason})`;
    throw unavailable(what, attempts === 1 ? lastReason : `no usable answer${tries}`, lastCause);
  }

  /**
   * One HTTP exchange under a connect and a response deadline. Never rejects: a failure is returned as NoAnswer,
   * after the request and its socket have been destroyed.
   */
  #send(
    method: "GET" | "POST",
    path: string,
    body: object | undefined,
    deadlines: Pick<RegistryDeadlines, "connectMs" | "responseMs">,
  ): Promise<Answer | NoAnswer> {
    // String concatenation keeps the base's path prefix (…/apis/ccompat/v7) and any user:password (Basic auth).
    const url = new URL(this.#base.href.replace(/\/+$/, "") + path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
    if (payload) {
      headers["content-type"] = CONTENT_TYPE;
      headers["content-length"] = String(payload.length);
    }
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<Answer | NoAnswer>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      let settled = false;
      let req: ClientRequest;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        outcome();
      };
      const fail = (reason: string, cause?: unknown) =>
        finish(() => {
          req.destroy();
          resolve(cause === undefined ? { failed: reason } : { failed: reason, cause });
        });
      req = send(url, { method, agent: this.#agent, headers });
      timers.push(
        setTimeout(() => fail(`no answer within ${deadlines.responseMs} ms`), deadlines.responseMs),
      );
      req.on("socket", (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => fail(`no connection within ${deadlines.connectMs} ms`),
          deadlines.connectMs,
        );
        timers.push(timer);
        socket.once("connect", () => clearTimeout(timer));
      });
      req.on("error", (error: NodeJS.ErrnoException) =>
        fail(`connection failed (${error.code ?? error.name})`, error),
      );
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) fail(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
          else chunks.push(chunk);
        });
        res.on("error", (error: NodeJS.ErrnoException) =>
          fail(`answer broken off (${error.code ?? error.name})`, error),
        );
        res.on("close", () => {
          if (!res.complete) fail("answer broken off");
        });
        res.on("end", () =>
          finish(() => resolve({ status: res.statusCode ?? 0, body: parseJson(Buffer.concat(chunks)) })),
        );
      });
      req.end(payload);
    });
  }
}

function isRetriableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The id in a registration or look-up answer; any 4xx left over is a refusal a retry cannot change. */
function idIn(answer: Answer, what: string): number {
  if (answer.status >= 400 && answer.status < 500) {
    throw new SchemaError("REGISTRY_REFUSED", `schema registry refused ${what} (status ${answer.status})`);
  }
  const id = (answer.body as { id?: unknown } | null)?.id;
  if (answer.status !== 200 || typeof id !== "number") {
    throw unavailable(what, `unexpected answer (status ${answer.status})`);
  }
  return id;
}

/** The world's fault: the registry did not answer (in time), answered 5xx, or the connection failed. */
function unavailable(what: string, reason: string, cause?: unknown): SchemaError {
  return new SchemaError("REGISTRY_UNAVAILABLE", `schema registry unavailable while ${what}: ${reason}`, {
    transient: true,
    ...(cause === undefined ? {} : { cause }),
  });
}
