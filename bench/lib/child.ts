import { type ChildProcess, spawn } from "node:child_process";
import { PIPELINE_NODE_OPTIONS } from "../../app/node-options.ts";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

/** A benchmark child process (pipeline or passthrough) reached over IPC. */
export class BenchChild {
  readonly proc: ChildProcess;
  readonly #inbox: ChildMessage[] = [];
  readonly #waiters: Array<{ type: string; resolve: (m: ChildMessage) => void }> = [];
  #output = "";
  readonly exited: Promise<number | null>;

  constructor(script: string, env: Record<string, string>, execArgv: string[] = []) {
    this.proc = spawn(process.execPath, [...execArgv, script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const keep = (d: Buffer) => {
      this.#output = (this.#output + d.toString()).slice(-8_000);
    };
    this.proc.stdout?.on("data", keep);
    this.proc.stderr?.on("data", keep);
    this.proc.on("message", (m: ChildMessage) => {
      const i = this.#waiters.findIndex(
        (w) => w.type === m.type || (m.type === "failed" && w.type !== "stopped"),
      );
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
      else this.#inbox.push(m);
    });
    this.exited = new Promise((resolve) => this.proc.once("exit", (code) => resolve(code)));
  }

  get output(): string {
    return this.#output;
  }

  send(message: ChildMessage): void {
    this.proc.send(message);
  }

  /** The next message of this type; rejects on a "failed" message, on exit, or after timeoutMs. */
  async waitFor(type: string, timeoutMs: number): Promise<ChildMessage> {
    const queued = this.#inbox.findIndex((m) => m.type === type || m.type === "failed");
    const message =
      queued >= 0
        ? this.#inbox.splice(queued, 1)[0]!
        : await new Promise<ChildMessage>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`child: no "${type}" within ${timeoutMs} ms\n${this.#output}`)),
              timeoutMs,
            );
            this.exited.then((code) =>
              reject(new Error(`child exited (${code}) before "${type}"\n${this.#output}`)),
            );
            this.#waiters.push({
              type,
              resolve: (m) => {
                clearTimeout(timer);
                resolve(m);
              },
            });
          });
    if (message.type === "failed")
      throw new Error(`child failed: ${String(message["error"])}\n${this.#output}`);
    return message;
  }

  async stop(timeoutMs = 60_000): Promise<ChildMessage | undefined> {
    if (this.proc.exitCode !== null) return undefined;
    this.send({ type: "stop" });
    try {
      const final = await this.waitFor("stopped", timeoutMs);
      await this.exited;
      return final;
    } catch {
      this.proc.kill("SIGKILL");
      return undefined;
    }
  }
}

/**
 * A pipeline child started with the Node options the pipeline ships with, as the image and `npm start` run it
 * (app/node-options.ts; with --compare, those of the other commit), then `execArgv`.
 */
export function pipelineChild(
  script: string,
  env: Record<string, string>,
  execArgv: string[] = [],
  nodeOptions: readonly string[] = PIPELINE_NODE_OPTIONS,
): BenchChild {
  return new BenchChild(script, env, [...nodeOptions, ...execArgv]);
}
