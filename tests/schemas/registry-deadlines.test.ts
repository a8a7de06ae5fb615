import avro from "avsc";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../schemas/load.ts";
import { REGISTRY_DEADLINES, RegistryClient, registryDeadlines } from "../../schemas/registry-client.ts";
import {
  blackHole,
  cleanupsAfterEach,
  eventually,
  fakeRegistry,
  type StandIn,
  silentServer,
} from "../support/stand-ins.ts";

const schema = loadSchema("anonymisedPatientRecord");
const SHORT = { connectMs: 300, responseMs: 300, attempts: 3 };
/** "It returned at all": far above the deadlines under test, far below a hang. */
const RETURNED = 15_000;

const cleanups = cleanupsAfterEach();

function client(url: string, deadlines = SHORT): RegistryClient {
  const registry = new RegistryClient(url, { deadlines });
  cleanups.push(() => registry.close());
  return registry;
}

async function silent(): Promise<StandIn & { url: string }> {
  const server = await silentServer();
  cleanups.push(() => server.close());
  return { ...server, url: `http://127.0.0.1:${server.port}/apis/ccompat/v7` };
}

describe("registry client deadlines", () => {
  it("defaults: 5 s to connect, 10 s for an answer, 3 tries; a configured answer deadline also caps connecting", () => {
    expect(REGISTRY_DEADLINES).toEqual({ connectMs: 5_000, responseMs: 10_000, attempts: 3 });
    expect(registryDeadlines(30_000)).toEqual({ connectMs: 5_000, responseMs: 30_000, attempts: 3 });
    expect(registryDeadlines(1_000)).toEqual({ connectMs: 1_000, responseMs: 1_000, attempts: 3 });
  });

  it.each([
    ["register", (r: RegistryClient) => r.register("t-value", schema)],
    ["idOf", (r: RegistryClient) => r.idOf("t-value", schema)],
    ["writerSchema", (r: RegistryClient) => r.writerSchema(7)],
  ])(
    "%s: a registry that accepts and never answers → REGISTRY_UNAVAILABLE (transient) after 3 tries, every socket closed",
    async (_, call) => {
      const server = await silent();
      const started = Date.now();
      const error = await call(client(server.url)).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: "REGISTRY_UNAVAILABLE", transient: true });
      expect((error as Error).message).toMatch(/3 tries; the last: no answer within 300 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(3 * SHORT.responseMs);
      expect(elapsed).toBeLessThan(RETURNED);
      expect(server.accepted()).toBe(3);
      expect(await eventually(() => server.open() === 0)).toBe(true);
    },
  );

  it("a registry whose port accepts no connection at all → the connect deadline ends each try", async () => {
    const hole = await blackHole();
    cleanups.push(() => hole.close());
    const registry = client(`http://127.0.0.1:${hole.port}`, {
      connectMs: 300,
      responseMs: 5_000,
      attempts: 2,
    });
    const started = Date.now();
    const error = await registry.idOf("t-value", schema).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "REGISTRY_UNAVAILABLE" });
    expect((error as Error).message).toMatch(/no connection within 300 ms/);
    expect(Date.now() - started).toBeLessThan(RETURNED);
  });

  it("ping answers false within its own deadline, with one try", async () => {
    const server = await silent();
    const started = Date.now();
    expect(await client(server.url).ping(200)).toBe(false);
    expect(Date.now() - started).toBeLessThan(RETURNED);
    expect(server.accepted()).toBe(1);
  });

  it("5xx is retried, then REGISTRY_UNAVAILABLE; a later success is returned", async () => {
    let calls = 0;
    const registry = await fakeRegistry(() =>
      ++calls < 3 ? { status: 503, body: {} } : { status: 200, body: { id: 42 } },
    );
    cleanups.push(() => registry.close());
    expect(await client(registry.url).register("t-value", schema)).toBe(42);
    expect(registry.requests).toEqual(Array(3).fill("POST /apis/ccompat/v7/subjects/t-value/versions"));
    calls = -10;
    await expect(client(registry.url).idOf("t-value", schema)).rejects.toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      message: expect.stringMatching(/the last: status 503/),
    });
  });

  it("answers a retry cannot change are not retried and keep their meaning", async () => {
    const status: Record<string, number> = { register: 409, idOf: 404, refused: 401, unknownId: 404 };
    let next = 0;
    const registry = await fakeRegistry(() => ({ status: next, body: { error_code: next * 100 + 1 } }));
    cleanups.push(() => registry.close());
    const r = client(registry.url);
    next = status["register"]!;
    await expect(r.register("t-value", schema)).rejects.toMatchObject({ code: "SCHEMA_INCOMPATIBLE" });
    next = status["idOf"]!;
    await expect(r.idOf("t-value", schema)).rejects.toMatchObject({ code: "SCHEMA_NOT_REGISTERED" });
    next = status["refused"]!;
    await expect(r.register("t-value", schema)).rejects.toMatchObject({
      code: "REGISTRY_REFUSED",
      permanent: true,
    });
    // On the decode path a refusal is the world's fault (credentials), never the record's: retried, not dead-lettered.
    await expect(r.writerSchema(5)).rejects.toMatchObject({ code: "REGISTRY_UNAVAILABLE", transient: true });
    next = status["unknownId"]!;
    await expect(r.writerSchema(6)).rejects.toMatchObject({ code: "SCHEMA_UNKNOWN_ID", permanent: true });
    expect(registry.requests).toHaveLength(5);
  });

  it("writer schemas: Avro is returned canonical (policy attributes dropped) and cached; other types are refused", async () => {
    const raw = loadSchema("patientRecord");
    const registry = await fakeRegistry((_, path) => {
      if (path.endsWith("/ids/1")) return { status: 200, body: { schema: JSON.stringify(raw) } };
      return { status: 200, body: { schema: "syntax = 'proto3';", schemaType: "PROTOBUF" } };
    });
    cleanups.push(() => registry.close());
    const r = client(registry.url);
    expect(JSON.stringify(raw)).toContain("x-anonymise");
    const writer = await r.writerSchema(1);
    expect(writer).toEqual(avro.Type.forSchema(raw as avro.Schema).schema({ exportAttrs: false }));
    expect(JSON.stringify(writer)).not.toContain("x-anonymise");
    await r.writerSchema(1);
    await expect(r.writerSchema(2)).rejects.toMatchObject({ code: "SCHEMA_NOT_AVRO", permanent: true });
    expect(registry.requests.filter((q) => q.endsWith("/ids/1"))).toHaveLength(1);
  });

  it("close() destroys kept-alive sockets", async () => {
    const registry = await fakeRegistry(() => ({ status: 200, body: { id: 1 } }));
    cleanups.push(() => registry.close());
    const r = new RegistryClient(registry.url);
    await r.idOf("t-value", schema);
    expect(registry.open()).toBe(1);
    r.close();
    expect(await eventually(() => registry.open() === 0)).toBe(true);
  });
});
