import { MultipleErrors, ProtocolError, UserError } from "@platformatic/kafka";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConsumerSupervisor } from "../../topology/runtime/consumer-supervisor.ts";
import { FakeConsumer, type FakeStream, message, networkError } from "./fake-kafka.ts";

function supervised() {
  const consumers: FakeConsumer[] = [];
  const events: string[] = [];
  const received: string[] = [];
  const abort = new AbortController();
  const supervisor = new ConsumerSupervisor(
    {
      topics: ["raw"],
      createConsumer: () => {
        const c = new FakeConsumer(consumers.length + 1);
        consumers.push(c);
        return c;
      },
      retry: { initialMs: 1, maxMs: 2 },
      signal: abort.signal,
      closeTimeoutMs: 50,
    },
    {
      message: (m) => received.push(m.value?.toString() ?? ""),
      joined: (assignment, membership) =>
        events.push(`joined:g${membership.generationId}:${membership.memberId}:${assignment.length}`),
      trouble: (cause) => events.push(`trouble:${cause ?? "over"}`),
      fatal: (error) => events.push(`fatal:${(error as { apiId?: string }).apiId}`),
    },
  );
  return { supervisor, consumers, events, received, abort };
}

describe("ConsumerSupervisor", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("passes on messages and group joins of its consumer", async () => {
    const { supervisor, consumers, events, received } = supervised();
    await supervisor.start();
    await consumers[0]!.join(3, [{ topic: "raw", partitions: [0, 1] }]);
    consumers[0]!.stream!.deliver(message("raw", 0, "a"));
    expect(events).toEqual(["joined:g3:member-1:2"]);
    expect(received).toEqual(["a"]);
  });

  it("replaces its stream at every join: the old one delivers nothing more, the topic stays subscribed, pause carries over", async () => {
    const { supervisor, consumers, events, received } = supervised();
    await supervisor.start();
    const c = consumers[0]!;
    const first = c.stream!;
    const closedWhenNewMade: boolean[] = [];
    const consume = c.consume.bind(c);
    vi.spyOn(c, "consume").mockImplementation(async () => {
      closedWhenNewMade.push(first.closed);
      return consume();
    });
    supervisor.pause();
    await c.join(4, [{ topic: "raw", partitions: [0] }]);
    const second = c.stream!;
    expect(second).not.toBe(first);
    expect(second.paused).toBe(true);
    // The replacement existed before the old stream closed (no moment without a subscription, so no extra join).
    expect(closedWhenNewMade).toEqual([false]);
    await vi.waitFor(() => expect(first.closed).toBe(true));
    first.deliver(message("raw", 0, "late"));
    second.deliver(message("raw", 0, "a"));
    expect(received).toEqual(["a"]);
    // Two joins in a row: only the last stream delivers.
    await c.join(5, [{ topic: "raw", partitions: [0, 1] }]);
    await c.join(6, [{ topic: "raw", partitions: [1] }]);
    second.deliver(message("raw", 0, "late"));
    c.stream!.deliver(message("raw", 1, "b"));
    expect(received).toEqual(["a", "b"]);
    expect(events).toEqual(["joined:g4:member-1:1", "joined:g5:member-1:2", "joined:g6:member-1:1"]);
    await supervisor.close(false);
  });

  it("a join while a replacement stream is being made makes another: only the newest delivers, the others close", async () => {
    const { supervisor, consumers, received } = supervised();
    await supervisor.start();
    const c = consumers[0]!;
    const open = c.holdConsume();
    await c.join(2, [{ topic: "raw", partitions: [0] }]);
    await c.join(3, [{ topic: "raw", partitions: [0, 1] }]);
    open();
    await vi.waitFor(() => expect(c.streams).toHaveLength(3));
    const [first, made, newest] = c.streams as [FakeStream, FakeStream, FakeStream];
    await vi.waitFor(() => expect(first.closed && made.closed).toBe(true));
    made.deliver(message("raw", 0, "stale"));
    first.deliver(message("raw", 0, "stale"));
    newest.deliver(message("raw", 1, "b"));
    expect(received).toEqual(["b"]);
    expect(newest.closed).toBe(false);
    await supervisor.close(false);
    expect(newest.closed).toBe(true);
    expect(c.closed).toBe(true);
  });

  it("a consumer brought in while the old one's replacement stream is still being made gets streams of its own", async () => {
    const { supervisor, consumers, events, received } = supervised();
    await supervisor.start();
    const a = consumers[0]!;
    const open = a.holdConsume();
    await a.join(2, [{ topic: "raw", partitions: [0] }]);
    // A background rejoin of the old consumer fails: a new consumer takes over and joins twice.
    a.emit("error", networkError());
    await vi.waitFor(() => expect(events).toContain("trouble:over"));
    const b = consumers[1]!;
    await b.join(1, [{ topic: "raw", partitions: [0] }]);
    await b.join(2, [{ topic: "raw", partitions: [0] }]);
    open();
    b.stream!.deliver(message("raw", 0, "b"));
    await vi.waitFor(() => expect(a.streams.at(-1)?.closed).toBe(true));
    a.streams.at(-1)!.deliver(message("raw", 0, "stale"));
    expect(received).toEqual(["b"]);
    expect(b.streams).toHaveLength(3);
    await supervisor.close(false);
  });

  it("close() during a replacement closes every stream before the consumer", async () => {
    const { supervisor, consumers } = supervised();
    await supervisor.start();
    const c = consumers[0]!;
    const order: string[] = [];
    const open = c.holdConsume();
    await c.join(2, [{ topic: "raw", partitions: [0] }]);
    const first = c.streams[0]!;
    vi.spyOn(first, "close").mockImplementation(async () => {
      order.push("stream");
    });
    vi.spyOn(c, "close").mockImplementation(async () => {
      order.push("consumer");
    });
    const closing = supervisor.close(false);
    open();
    await closing;
    await vi.waitFor(() => expect(c.streams).toHaveLength(2));
    await vi.waitFor(() => expect(c.streams[1]!.closed).toBe(true));
    expect(order).toEqual(["stream", "consumer"]);
  });

  it("a stream replacement that fails is a stream failure: the consumer is replaced", async () => {
    const { supervisor, consumers, events } = supervised();
    await supervisor.start();
    const c = consumers[0]!;
    c.consumeError = networkError();
    await c.join(2, [{ topic: "raw", partitions: [0] }]);
    await vi.waitFor(() => expect(events).toContain("trouble:over"));
    expect(c.closed).toBe(true);
    expect(consumers).toHaveLength(2);
    await supervisor.close(false);
  });

  it("replaces a consumer whose stream failed for a transient reason, and carries the paused state over", async () => {
    const { supervisor, consumers, events, received } = supervised();
    await supervisor.start();
    supervisor.pause();
    const first = consumers[0]!;
    first.stream!.fail(networkError());
    await vi.waitFor(() => expect(events).toContain("trouble:over"));
    expect(supervisor.restoring).toBe(false);
    expect(first.closed).toBe(true);
    expect(first.stream!.closed).toBe(true);
    expect(consumers).toHaveLength(2);
    expect(consumers[1]!.stream!.paused).toBe(true);
    // The old consumer's late events are ignored; the new one's are passed on.
    first.stream!.deliver(message("raw", 0, "stale"));
    await first.join(9, []);
    consumers[1]!.stream!.deliver(message("raw", 0, "fresh"));
    expect(received).toEqual(["fresh"]);
    expect(events).toEqual(["trouble:KAFKA_UNREACHABLE", "trouble:over"]);
  });

  it("a failed background rejoin (an error event on the consumer, not the stream) replaces the consumer; a replaced consumer's late errors are ignored", async () => {
    const { supervisor, consumers, events } = supervised();
    await supervisor.start();
    const first = consumers[0]!;
    // Without a listener, EventEmitter throws an "error" event: in the process, an uncaught exception.
    expect(() => first.emit("error", networkError())).not.toThrow();
    await vi.waitFor(() => expect(events).toContain("trouble:over"));
    expect(first.closed).toBe(true);
    expect(consumers).toHaveLength(2);
    expect(() => first.emit("error", networkError())).not.toThrow();
    expect(() => consumers[1]!.emit("error", networkError())).not.toThrow();
    await vi.waitFor(() => expect(consumers).toHaveLength(3));
    expect(events).toEqual([
      "trouble:KAFKA_UNREACHABLE",
      "trouble:over",
      "trouble:KAFKA_UNREACHABLE",
      "trouble:over",
    ]);
  });

  it("keeps trying while the broker stays away, for as long as it takes", async () => {
    const { supervisor, consumers, events } = supervised();
    await supervisor.start();
    let refusals = 5;
    const original = FakeConsumer.prototype.consume;
    vi.spyOn(FakeConsumer.prototype, "consume").mockImplementation(function (this: FakeConsumer) {
      if (refusals-- > 0) return Promise.reject(networkError());
      return original.call(this);
    });
    consumers[0]!.stream!.fail(networkError());
    await vi.waitFor(() => expect(events.at(-1)).toBe("trouble:over"));
    expect(consumers).toHaveLength(7);
    expect(consumers.slice(0, 6).every((c) => c.closed)).toBe(true);
    vi.restoreAllMocks();
  });

  it("reports a fatal stream error instead of reconnecting", async () => {
    const { supervisor, consumers, events } = supervised();
    await supervisor.start();
    consumers[0]!.stream!.fail(new ProtocolError("GROUP_AUTHORIZATION_FAILED"));
    expect(events).toEqual(["fatal:GROUP_AUTHORIZATION_FAILED"]);
    expect(consumers).toHaveLength(1);
  });

  it("throws when the first start fails, so that start-up can say so", async () => {
    const { supervisor } = supervised();
    vi.spyOn(FakeConsumer.prototype, "consume").mockRejectedValueOnce(networkError());
    await expect(supervisor.start()).rejects.toThrow(/ECONNREFUSED/);
    vi.restoreAllMocks();
  });

  it("a reconnect cut short by close() is not a fatal error (the client's own 'closed while retrying' error)", async () => {
    const { supervisor, consumers, events } = supervised();
    await supervisor.start();
    // The broker is away: the replacement's join hangs in the client's retries until the consumer is closed, and
    // the client then rejects with a UserError (code PLT_KFK_USER), which on its own would read as a misconfiguration.
    vi.spyOn(FakeConsumer.prototype, "consume").mockImplementation(function (this: FakeConsumer) {
      return new Promise((_, reject) => {
        const close = this.close.bind(this);
        this.close = async () => {
          await close();
          reject(
            new MultipleErrors("JoinGroup failed 3 times.", [
              networkError(),
              new UserError("Client closed while retrying JoinGroup."),
            ]),
          );
        };
      });
    });
    consumers[0]!.stream!.fail(networkError());
    await vi.waitFor(() => expect(consumers).toHaveLength(2));
    await supervisor.close(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["trouble:KAFKA_UNREACHABLE"]);
    expect(consumers[1]!.closed).toBe(true);
    vi.restoreAllMocks();
  });

  it("stops reconnecting once closed", async () => {
    const { supervisor, consumers } = supervised();
    await supervisor.start();
    vi.spyOn(FakeConsumer.prototype, "consume").mockRejectedValue(networkError());
    consumers[0]!.stream!.fail(networkError());
    await supervisor.close(true);
    const count = consumers.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(consumers.length).toBeLessThanOrEqual(count + 1);
    vi.restoreAllMocks();
  });
});
