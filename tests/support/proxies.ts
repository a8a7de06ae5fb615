import { createServer as createHttpServer, request } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A TCP proxy that holds back every chunk, in each direction, for a random delay before forwarding it, in order:
 * a slow network or an overloaded server, as the client sees it.
 */
export async function startDelayProxy(options: {
  targetPort: number;
  minDelayMs: number;
  maxDelayMs: number;
}): Promise<{ port: number; chunksDelayed: () => number; close: () => Promise<void> }> {
  let delayed = 0;
  const sockets = new Set<Socket>();
  const pipeDelayed = (from: Socket, to: Socket) => {
    let chain = Promise.resolve();
    from.on("data", (chunk: Buffer) => {
      const delay = options.minDelayMs + Math.random() * (options.maxDelayMs - options.minDelayMs);
      delayed++;
      chain = chain.then(async () => {
        await sleep(delay);
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on("end", () => void chain.then(() => to.end()));
    from.on("error", () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(options.targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("close", () => sockets.delete(client));
    upstream.on("close", () => sockets.delete(upstream));
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    chunksDelayed: () => delayed,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type RegistryProxyMode = "pass" | "503" | "refuse";

/**
 * An HTTP proxy in front of the schema registry whose behaviour the test switches: pass requests through, answer
 * every request with 503, or refuse (reset) every connection, as a registry that is down or restarting would.
 */
export async function startRegistryProxy(targetUrl: string): Promise<{
  url: string;
  setMode: (mode: RegistryProxyMode) => void;
  requests: () => Record<RegistryProxyMode, number>;
  close: () => Promise<void>;
}> {
  const target = new URL(targetUrl);
  let mode: RegistryProxyMode = "pass";
  const seen: Record<RegistryProxyMode, number> = { pass: 0, "503": 0, refuse: 0 };
  const server = createHttpServer((req, res) => {
    seen[mode]++;
    if (mode === "refuse") {
      req.socket.destroy();
      return;
    }
    if (mode === "503") {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_code: 50301, message: "registry unavailable (fault injection)" }));
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    setMode: (m) => {
      mode = m;
      // Kept-alive connections would otherwise keep serving the old mode's answers until they close.
      if (m !== "pass") server.closeIdleConnections();
    },
    requests: () => ({ ...seen }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP proxy on a fixed port that can be taken down and brought back: while down its port is closed and every
 * open connection is reset, so clients see exactly what they see when the server behind it stops (connection
 * refused), while the server itself keeps its state.
 */
export async function startOutageProxy(targetPort: number): Promise<{
  port: number;
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    const s = createServer((client) => {
      const upstream = connect(targetPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.resetAndDestroy());
    });
    await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  await listen();
  return { port, down, up: () => (server ? Promise.resolve() : listen()), close: down };
}
