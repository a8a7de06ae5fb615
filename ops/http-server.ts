import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthCheck {
  /** Named checks; each resolves true when healthy. Failures are reported by name only. */
  ready(): Promise<Record<string, boolean>>;
}

/** /metrics, /health/live and /health/ready on one small port of their own. */
export function startHttpServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  beforeScrape?: () => void;
  health: HealthCheck;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (url === "/health/live") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"live"}');
      return;
    }
    if (url === "/health/ready") {
      options.health.ready().then(
        (checks) => {
          const ok = Object.values(checks).every(Boolean);
          res
            .writeHead(ok ? 200 : 503, { "content-type": "application/json" })
            .end(JSON.stringify({ status: ok ? "ready" : "not-ready", checks }));
        },
        () => res.writeHead(503, { "content-type": "application/json" }).end('{"status":"not-ready"}'),
      );
      return;
    }
    if (url === "/metrics") {
      options.beforeScrape?.();
      options.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve(server));
  });
}
