import type { DeadLetterReason, NodeKind, RecordContext, Serde } from "./types.ts";

/** What a node hands its output to. The runtime and the test driver each provide one. */
export interface Collector {
  toTopic(sink: TopicSinkNode, key: unknown, value: unknown, context: RecordContext): void;
  toStore(sink: StoreSinkNode, key: unknown, value: unknown, context: RecordContext): void;
  toDeadLetter(node: GraphNode, reason: DeadLetterReason, context: RecordContext): void;
}

interface BaseNode {
  readonly name: string;
  readonly kind: NodeKind;
  readonly children: GraphNode[];
  readonly parents: GraphNode[];
}

export interface SourceNode extends BaseNode {
  readonly kind: "source";
  readonly topic: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown>;
}

export interface ProcessorNode extends BaseNode {
  readonly kind: "mapValues" | "map" | "filter" | "peek";
  readonly fn: (key: unknown, value: unknown, context: RecordContext) => unknown;
}

export interface SplitNode extends BaseNode {
  readonly kind: "split";
  /** First match wins; a branch without a predicate is the default branch and must be last. */
  readonly branches: BranchNode[];
}

export interface BranchNode extends BaseNode {
  readonly kind: "branch";
  readonly predicate: ((key: unknown, value: unknown, context: RecordContext) => boolean) | undefined;
}

export interface TopicSinkNode extends BaseNode {
  readonly kind: "sink";
  readonly topic: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown>;
}

export interface StoreSinkNode extends BaseNode {
  readonly kind: "store-sink";
  /** The name under which the runtime's external store receives these records. */
  readonly store: string;
}

export interface DeadLetterNode extends BaseNode {
  readonly kind: "dead-letter";
  readonly reason: (key: unknown, value: unknown, context: RecordContext) => DeadLetterReason;
}

export type GraphNode =
  | SourceNode
  | ProcessorNode
  | SplitNode
  | BranchNode
  | TopicSinkNode
  | StoreSinkNode
  | DeadLetterNode;

/**
 * Pushes one record through the graph below `node`. Synchronous by design: per-record work stays on the fast
 * path; anything asynchronous (serialisation, I/O) happens when the runtime flushes a batch.
 */
export function push(
  node: GraphNode,
  key: unknown,
  value: unknown,
  context: RecordContext,
  out: Collector,
): void {
  switch (node.kind) {
    case "source":
    case "branch":
      for (const child of node.children) push(child, key, value, context, out);
      return;
    case "mapValues": {
      const mapped = node.fn(key, value, context);
      for (const child of node.children) push(child, key, mapped, context, out);
      return;
    }
    case "map": {
      const pair = node.fn(key, value, context) as { key: unknown; value: unknown };
      for (const child of node.children) push(child, pair.key, pair.value, context, out);
      return;
    }
    case "filter":
      if (node.fn(key, value, context))
        for (const child of node.children) push(child, key, value, context, out);
      return;
    case "peek":
      node.fn(key, value, context);
      for (const child of node.children) push(child, key, value, context, out);
      return;
    case "split":
      for (const branch of node.branches) {
        if (!branch.predicate || branch.predicate(key, value, context)) {
          push(branch, key, value, context, out);
          return;
        }
      }
      return;
    case "sink":
      out.toTopic(node, key, value, context);
      return;
    case "store-sink":
      out.toStore(node, key, value, context);
      return;
    case "dead-letter":
      out.toDeadLetter(node, node.reason(key, value, context), context);
      return;
  }
}
