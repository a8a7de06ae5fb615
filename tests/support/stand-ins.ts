import { type ChildProcess, spawn } from "node:child_process";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach } from "vitest";

/**
 * Servers that misbehave on purpose, for the deadline tests: each accepts connections (or not) and then never
 * answers, so a client without deadlines would wait for ever. Each records what it saw, so a test can also check
 * that the client closed every connection it opened.
 */
export interface StandIn {
  readonly port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** Accepted connections the client has not closed yet. */
  open(): number;
  close(): Promise<void>;
}

function track(server: Server): { accepted(): number; open(): number; destroyAll(): void } {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on("connection", (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    accepted: () => accepted,
    open: () => sockets.size,
    destroyAll: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

function standIn(server: Server, port: number, tracked: ReturnType<typeof track>): StandIn {
  return {
    port,
    accepted: tracked.accepted,
    open: tracked.open,
    close: async () => {
      tracked.destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP connections, reads whatever is sent, never writes a byte (a hung registry, broker or database). */
export async function silentServer(): Promise<StandIn> {
  const server = createServer((socket) => socket.resume());
  const tracked = track(server);
  return standIn(server, await listen(server), tracked);
}

/**
 * A Confluent-compatible registry stand-in. `handle` answers a request or returns undefined to leave it unanswered
 * (the connection stays open, as with the registry that hung `schemas:register`). Requests are recorded.
 */
export async function fakeRegistry(
  handle: (method: string, path: string) => { status: number; body: unknown } | undefined,
): Promise<StandIn & { url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      const answer = handle(req.method ?? "", req.url ?? "");
      if (!answer) return;
      res.writeHead(answer.status, { "content-type": "application/vnd.schemaregistry.v1+json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  const tracked = track(server);
  const port = await listen(server);
  return { ...standIn(server, port, tracked), url: `http://127.0.0.1:${port}/apis/ccompat/v7`, requests };
}

/**
 * A PostgreSQL stand-in that completes the start-up handshake (trust authentication) and then ignores every
 * query: the client is connected and waits for an answer that never comes.
 */
export async function silentPostgres(): Promise<StandIn> {
  const server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    let greeted = false;
    socket.on("data", (chunk: Buffer) => {
      if (greeted) return;
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
      greeted = true;
      const authenticationOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
      const readyForQuery = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
      socket.write(Buffer.concat([authenticationOk, readyForQuery]));
    });
  });
  const tracked = track(server);
  return standIn(server, await listen(server), tracked);
}

/**
 * A port where connecting itself hangs: a child process listens with a backlog of one and never accepts (its
 * event loop is blocked), and two connections fill the kernel's queue, so the next SYN is dropped.
 */
export async function blackHole(): Promise<{ port: number; close(): void }> {
  const script = `const s=require("node:net").createServer();s.listen({port:0,host:"127.0.0.1",backlog:1},()=>{process.stdout.write(String(s.address().port)+"\\n");setTimeout(()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0),50)})`;
  const child: ChildProcess = spawn(process.execPath, ["-e", script], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout?.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  await new Promise((r) => setTimeout(r, 200));
  const fillers: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    fillers.push(socket);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  }
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy();
      child.kill("SIGKILL");
    },
  };
}

/** Cleanups registered by a test, run in reverse order after each test of the file that calls this. */
export function cleanupsAfterEach(): Array<() => unknown> {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** Polls `check` until it holds or `ms` pass; its last answer. */
export async function eventually(check: () => boolean, ms = 2_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return check();
}

/** How a call ended (its error, or undefined) and how long it took. */
export async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}
