import { createServer } from "node:net";
import { StackError } from "./errors.ts";

/** Resolves when nothing listens on 127.0.0.1:port; otherwise a clear error naming the port and its use. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", () =>
      reject(
        new StackError(
          "STACK_PORT_TAKEN",
          `port ${port} (${what}) is already in use on 127.0.0.1. Stop what holds it (e.g. \`ss -ltnp 'sport = :${port}'\`), ` +
            "run `npm run stack:down` if it is an earlier stack, or choose other ports with STACK_PORT_BASE.",
        ),
      ),
    );
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolvePromise()));
  });
}

export function portFree(port: number): Promise<boolean> {
  return assertPortFree(port, "probe").then(
    () => true,
    () => false,
  );
}
