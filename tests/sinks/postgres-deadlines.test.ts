import { describe, expect, it } from "vitest";
import type { StoreBatch as SinkBatch } from "../../contracts/stores.ts";
import { migrate } from "../../sinks/migrate.ts";
import { DB_DEADLINES, isDbTimeout, isTransientDbError, PostgresStore } from "../../sinks/postgres-store.ts";
import {
  blackHole,
  cleanupsAfterEach,
  eventually,
  type StandIn,
  silentPostgres,
  silentServer,
  timed,
} from "../support/stand-ins.ts";

/** "It returned at all": far above the deadlines under test, far below a hang. */
const RETURNED = 15_000;
const SHORT = { connectMs: 300, statementMs: 300, answerGraceMs: 300 };

const cleanups = cleanupsAfterEach();

function store(port: number): PostgresStore {
  const s = new PostgresStore(`postgres://anonymiser:synthetic@127.0.0.1:${port}/research`, {
    poolSize: 2,
    deadlines: SHORT,
  });
  cleanups.push(() => s.close());
  return s;
}

async function standIn(make: () => Promise<StandIn>): Promise<StandIn> {
  const server = await make();
  cleanups.push(() => server.close());
  return server;
}

const batch: SinkBatch = {
  consumerGroup: "anonymiser",
  records: new Map(),
  offsets: [{ topic: "patient-records-raw", partition: 0, nextOffset: 10n }],
};

describe("PostgreSQL deadlines", () => {
  it("defaults: 5 s to connect, statements cancelled after 60 s, the client gives up 10 s later", () => {
    expect(DB_DEADLINES).toEqual({ connectMs: 5_000, statementMs: 60_000, answerGraceMs: 10_000 });
  });

  it("a server that accepts TCP and never speaks: the connect deadline ends ping, commit and the start-up migration, all transient", async () => {
    const server = await standIn(silentServer);
    const s = store(server.port);
    for (const call of [() => s.ping(), () => migrate(s.db)]) {
      const { error, ms } = await timed(call);
      expect(isTransientDbError(error), String(error)).toBe(true);
      expect(ms).toBeLessThan(RETURNED);
    }
    const commit = await timed(() => s.commit(batch));
    expect(commit.error).toMatchObject({ code: "SINK_UNAVAILABLE", transient: true });
    expect(commit.ms).toBeLessThan(RETURNED);
    expect(await eventually(() => server.open() === 0)).toBe(true);
  });

  it("a port where connecting hangs: the connect deadline ends it", async () => {
    const hole = await blackHole();
    cleanups.push(() => hole.close());
    const { error, ms } = await timed(() => store(hole.port).ping());
    expect(isTransientDbError(error), String(error)).toBe(true);
    expect(ms).toBeLessThan(RETURNED);
  });

  it("a server that completes the handshake and never answers a query: DB_TIMEOUT (transient), the connection is dropped", async () => {
    const server = await standIn(silentPostgres);
    const s = store(server.port);
    const ping = await timed(() => s.ping());
    expect(isDbTimeout(ping.error), String(ping.error)).toBe(true);
    expect(isTransientDbError(ping.error)).toBe(true);
    expect(ping.ms).toBeGreaterThanOrEqual(SHORT.statementMs + SHORT.answerGraceMs - 20);
    expect(ping.ms).toBeLessThan(RETURNED);

    const commit = await timed(() => s.commit(batch));
    expect(commit.error).toMatchObject({ code: "DB_TIMEOUT", transient: true });
    expect(commit.ms).toBeLessThan(RETURNED);

    const migration = await timed(() => migrate(s.db));
    expect(isTransientDbError(migration.error), String(migration.error)).toBe(true);
    expect(migration.ms).toBeLessThan(RETURNED);
    // Each timed-out connection was destroyed rather than handed back to the pool with a query in flight.
    expect(await eventually(() => server.open() === 0)).toBe(true);
    expect(server.accepted()).toBeGreaterThanOrEqual(3);
  });

  it("the readiness ping answers within its own deadline, however long the statement deadline", async () => {
    const server = await standIn(silentPostgres);
    const s = new PostgresStore(`postgres://anonymiser:synthetic@127.0.0.1:${server.port}/research`, {
      deadlines: { ...SHORT, statementMs: 60_000 },
    });
    cleanups.push(() => s.close());
    const { error, ms } = await timed(() => s.ping(300));
    expect(error).toMatchObject({ code: "DB_TIMEOUT", transient: true });
    expect(ms).toBeLessThan(RETURNED);
    // The query is still in flight (its own deadline is a minute away): ending the server lets the pool close.
    await server.close();
  });

  it("classifies a server-side cancellation (57014) and the client's read timeout as timeouts", () => {
    expect(
      isDbTimeout(
        Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
      ),
    ).toBe(true);
    expect(isDbTimeout(new Error("Query read timeout"))).toBe(true);
    expect(isDbTimeout(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isTransientDbError(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
  });
});
