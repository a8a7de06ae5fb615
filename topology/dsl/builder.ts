import type {
  BranchNode,
  DeadLetterNode,
  GraphNode,
  ProcessorNode,
  SourceNode,
  SplitNode,
  StoreSinkNode,
  TopicSinkNode,
} from "./graph.ts";
import { Topology } from "./topology.ts";
import type { DeadLetterReason, KeyValue, NodeKind, RecordContext, Serde } from "./types.ts";

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/**
 * Builds a named processing graph, in the manner of Kafka Streams' StreamsBuilder. It only builds: a runtime
 * (or the in-process test driver) executes the resulting Topology.
 */
export class StreamsBuilder {
  readonly #nodes: GraphNode[] = [];
  readonly #names = new Set<string>();
  #counter = 0;

  /** Kafka Streams-style generated names (KSTREAM-MAPVALUES-0000000003) unless a name is given. */
  nameFor(kind: NodeKind, given: string | undefined): string {
    const index = this.#counter++;
    const name = given ?? `KSTREAM-${kind.replace("-", "").toUpperCase()}-${String(index).padStart(10, "0")}`;
    if (this.#names.has(name)) throw new Error(`topology node name "${name}" is used twice`);
    this.#names.add(name);
    return name;
  }

  add<N extends GraphNode>(node: N, parent: GraphNode | undefined): N {
    if (parent) {
      (parent.children as GraphNode[]).push(node);
      (node.parents as GraphNode[]).push(parent);
    }
    this.#nodes.push(node);
    return node;
  }

  stream<K, V>(topic: string, serdes: { key?: Serde<K>; value: Serde<V> }, name?: string): KStream<K, V> {
    const node: SourceNode = {
      name: this.nameFor("source", name),
      kind: "source",
      topic,
      keySerde: serdes.key as Serde<unknown> | undefined,
      valueSerde: serdes.value as Serde<unknown>,
      children: [],
      parents: [],
    };
    return new KStream<K, V>(this, this.add(node, undefined));
  }

  build(): Topology {
    return new Topology([...this.#nodes]);
  }
}

export class KStream<K, V> {
  readonly #builder: StreamsBuilder;
  readonly #node: GraphNode;

  constructor(builder: StreamsBuilder, node: GraphNode) {
    this.#builder = builder;
    this.#node = node;
  }

  #processor<K2, V2>(
    kind: ProcessorNode["kind"],
    fn: ProcessorNode["fn"],
    name: string | undefined,
  ): KStream<K2, V2> {
    const node: ProcessorNode = {
      name: this.#builder.nameFor(kind, name),
      kind,
      fn,
      children: [],
      parents: [],
    };
    return new KStream<K2, V2>(this.#builder, this.#builder.add(node, this.#node));
  }

  mapValues<V2>(fn: (value: V, context: RecordContext) => V2, name?: string): KStream<K, V2> {
    return this.#processor("mapValues", (_k, v, c) => fn(v as V, c), name);
  }

  map<K2, V2>(
    fn: (key: K, value: V, context: RecordContext) => KeyValue<K2, V2>,
    name?: string,
  ): KStream<K2, V2> {
    return this.#processor("map", (k, v, c) => fn(k as K, v as V, c), name);
  }

  filter(predicate: (key: K, value: V, context: RecordContext) => boolean, name?: string): KStream<K, V> {
    return this.#processor("filter", (k, v, c) => predicate(k as K, v as V, c), name);
  }

  peek(action: (key: K, value: V, context: RecordContext) => void, name?: string): KStream<K, V> {
    return this.#processor("peek", (k, v, c) => action(k as K, v as V, c), name);
  }

  /** Splits the stream; `branch()` predicates are tried in order and the first match wins. */
  split(name?: string): BranchedKStream<K, V> {
    const node: SplitNode = {
      name: this.#builder.nameFor("split", name),
      kind: "split",
      branches: [],
      children: [],
      parents: [],
    };
    return new BranchedKStream<K, V>(this.#builder, this.#builder.add(node, this.#node));
  }

  to(topic: string, serdes: { key?: Serde<K>; value: Serde<V> }, name?: string): void {
    const node: TopicSinkNode = {
      name: this.#builder.nameFor("sink", name),
      kind: "sink",
      topic,
      keySerde: serdes.key as Serde<unknown> | undefined,
      valueSerde: serdes.value as Serde<unknown>,
      children: [],
      parents: [],
    };
    this.#builder.add(node, this.#node);
  }

  /** Hands records to an external store (e.g. a database) that the runtime commits with the consumed offsets. */
  toStore(store: string, name?: string): void {
    const node: StoreSinkNode = {
      name: this.#builder.nameFor("store-sink", name),
      kind: "store-sink",
      store,
      children: [],
      parents: [],
    };
    this.#builder.add(node, this.#node);
  }

  /**
   * Sends the *source* record (raw bytes, as consumed) to the runtime's dead-letter topic with error headers, and
   * its metadata to the dead-letter store. `reason` must not put record values in the message.
   */
  toDeadLetter(reason: (key: K, value: V, context: RecordContext) => DeadLetterReason, name?: string): void {
    const node: DeadLetterNode = {
      name: this.#builder.nameFor("dead-letter", name),
      kind: "dead-letter",
      reason: (k, v, c) => reason(k as K, v as V, c),
      children: [],
      parents: [],
    };
    this.#builder.add(node, this.#node);
  }
}

export class BranchedKStream<K, V> {
  readonly #builder: StreamsBuilder;
  readonly #split: SplitNode;
  readonly #streams: Record<string, KStream<K, V>> = {};
  #closed = false;

  constructor(builder: StreamsBuilder, split: GraphNode) {
    this.#builder = builder;
    this.#split = split as SplitNode;
  }

  #addBranch(predicate: BranchNode["predicate"], name: string): KStream<K, V> {
    if (this.#closed) throw new Error(`split "${this.#split.name}": no branch may follow the default branch`);
    const node: BranchNode = {
      name: this.#builder.nameFor("branch", `${this.#split.name}-${name}`),
      kind: "branch",
      predicate,
      children: [],
      parents: [],
    };
    this.#builder.add(node, this.#split);
    (this.#split as Mutable<SplitNode>).branches.push(node);
    const stream = new KStream<K, V>(this.#builder, node);
    this.#streams[name] = stream;
    return stream;
  }

  branch(predicate: (key: K, value: V, context: RecordContext) => boolean, name: string): this {
    this.#addBranch((k, v, c) => predicate(k as K, v as V, c), name);
    return this;
  }

  /** Closes the split: records no branch matched go here. Returns every branch's stream by name. */
  defaultBranch(name = "default"): Record<string, KStream<K, V>> {
    this.#addBranch(undefined, name);
    this.#closed = true;
    return this.#streams;
  }

  /** Closes the split without a default: records no branch matched are dropped (use with care). */
  noDefaultBranch(): Record<string, KStream<K, V>> {
    this.#closed = true;
    return this.#streams;
  }
}
