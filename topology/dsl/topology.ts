import type { GraphNode, SourceNode, TopicSinkNode } from "./graph.ts";
import type { NodeDescription } from "./types.ts";

/** An immutable, named processing graph. `describe()` prints it for humans and snapshot tests. */
export class Topology {
  readonly nodes: readonly GraphNode[];
  readonly sources: ReadonlyMap<string, SourceNode>;

  constructor(nodes: GraphNode[]) {
    this.nodes = Object.freeze(nodes);
    const sources = new Map<string, SourceNode>();
    for (const node of nodes) {
      if (node.kind !== "source") continue;
      if (sources.has(node.topic)) throw new Error(`topic "${node.topic}" is the source of two streams`);
      sources.set(node.topic, node);
    }
    if (sources.size === 0) throw new Error("a topology needs at least one source");
    this.sources = sources;
  }

  get sourceTopics(): string[] {
    return [...this.sources.keys()];
  }

  get sinkTopics(): string[] {
    return [...new Set(this.nodes.filter((n): n is TopicSinkNode => n.kind === "sink").map((n) => n.topic))];
  }

  get stores(): string[] {
    return [...new Set(this.nodes.flatMap((n) => (n.kind === "store-sink" ? [n.store] : [])))];
  }

  get hasDeadLetters(): boolean {
    return this.nodes.some((n) => n.kind === "dead-letter");
  }

  toJSON(): NodeDescription[] {
    return this.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      ...(n.kind === "source" || n.kind === "sink" ? { topic: n.topic } : {}),
      children: n.children.map((c) => c.name),
    }));
  }

  describe(): string {
    const lines = ["Topology:"];
    for (const node of this.nodes) {
      let label: string;
      switch (node.kind) {
        case "source":
          label = `Source: ${node.name} (topics: [${node.topic}])`;
          break;
        case "sink":
          label = `Sink: ${node.name} (topic: ${node.topic})`;
          break;
        case "store-sink":
          label = `Sink: ${node.name} (store: ${node.store})`;
          break;
        case "dead-letter":
          label = `Sink: ${node.name} (dead-letter)`;
          break;
        case "split":
          label = `Processor: ${node.name} (split, first match wins: ${node.branches.map((b) => (b.predicate ? b.name : `${b.name} [default]`)).join(", ")})`;
          break;
        default:
          label = `Processor: ${node.name} (${node.kind})`;
      }
      lines.push(`  ${label}`);
      if (node.children.length > 0) lines.push(`    --> ${node.children.map((c) => c.name).join(", ")}`);
      if (node.parents.length > 0) lines.push(`    <-- ${node.parents.map((p) => p.name).join(", ")}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
