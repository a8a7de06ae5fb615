import { type FieldShape, shapeOf } from "./avro-type.ts";
import { AnonymisationError } from "./errors.ts";
import {
  type CompileContext,
  OPERATORS,
  type OperationContext,
  type Operator,
  type Params,
  type PseudonymRef,
  pseudonymise,
} from "./operators/index.ts";
import type { Strategy } from "./strategy.ts";

/**
 * The policy lives in the raw schema: every field carries a `x-anonymise` annotation (one operator, or a list when
 * one raw field feeds several outputs), and the record carries `"x-anonymise": {"policy_version": "..."}`.
 * Compiled once at start-up; anything missing or unknown stops start-up with a message naming the field.
 */
export const POLICY_ATTRIBUTE = "x-anonymise";

/** Keys every annotation may carry besides its operator's own parameters. */
const COMMON_KEYS = new Set(["op", "as", "pseudonymisation", "redaction"]);

export interface CompiledOperation {
  readonly field: string;
  readonly operator: string;
  /** Output field name, or null when the operator writes nothing. */
  readonly output: string | null;
  readonly outputType: unknown;
  readonly keyed: boolean;
  readonly gate: boolean;
  apply(value: unknown, operationContext: OperationContext): unknown;
}

export interface CompiledField {
  readonly shape: FieldShape;
  readonly operations: readonly CompiledOperation[];
}

export interface CompiledPolicy {
  readonly version: string;
  readonly strategy: Strategy;
  readonly gates: readonly CompiledField[];
  readonly fields: readonly CompiledField[];
  readonly knownFields: ReadonlySet<string>;
  readonly outputs: ReadonlyArray<{ readonly name: string; readonly type: unknown }>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function annotationsOf(field: Record<string, unknown>, name: string): Params[] {
  const raw = field[POLICY_ATTRIBUTE];
  if (raw === undefined) {
    throw new AnonymisationError(
      "ANON_POLICY_MISSING",
      `field '${name}' has no '${POLICY_ATTRIBUTE}' policy`,
      name,
    );
  }
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || !list.every(isObject)) {
    throw new AnonymisationError(
      "ANON_POLICY_INVALID",
      `field '${name}': '${POLICY_ATTRIBUTE}' must be an object or a non-empty list of objects`,
      name,
    );
  }
  return list;
}

/**
 * Applies the deployment strategy: an explicit per-field override for that strategy wins; otherwise under the
 * redaction strategy every `pseudonymise` becomes `redact`.
 */
function forStrategy(annotation: Params, strategy: Strategy, field: string): Params {
  const override = annotation[strategy];
  if (override !== undefined) {
    if (!isObject(override)) {
      throw new AnonymisationError(
        "ANON_POLICY_INVALID",
        `field '${field}': '${strategy}' override must be an object`,
        field,
      );
    }
    return { as: annotation["as"], ...override };
  }
  if (strategy === "redaction" && annotation["op"] === "pseudonymise")
    return { op: "redact", as: annotation["as"] };
  return annotation;
}

function operatorOf(annotation: Params, field: string): Operator<unknown> {
  const op = annotation["op"];
  const operator = typeof op === "string" ? OPERATORS.get(op) : undefined;
  if (!operator) {
    const shown = typeof op === "string" ? `'${op.slice(0, 40)}'` : "(none)";
    throw new AnonymisationError(
      "ANON_UNKNOWN_OPERATOR",
      `field '${field}': unknown operator ${shown}`,
      field,
    );
  }
  for (const key of Object.keys(annotation)) {
    if (!COMMON_KEYS.has(key) && !operator.params.includes(key)) {
      throw new AnonymisationError(
        "ANON_POLICY_INVALID",
        `field '${field}': operator '${operator.name}' has no parameter '${key.slice(0, 40)}'`,
        field,
      );
    }
  }
  return operator;
}

function policyVersionOf(schema: Record<string, unknown>): string {
  const attr = schema[POLICY_ATTRIBUTE];
  const version = isObject(attr) ? attr["policy_version"] : undefined;
  if (typeof version !== "string" || version.length === 0 || version.length > 64) {
    throw new AnonymisationError(
      "ANON_POLICY_VERSION_MISSING",
      `the record schema needs "${POLICY_ATTRIBUTE}": {"policy_version": "..."}`,
    );
  }
  return version;
}

function recordFields(schema: unknown): Array<Record<string, unknown>> {
  if (!isObject(schema) || schema["type"] !== "record" || !Array.isArray(schema["fields"])) {
    throw new AnonymisationError(
      "ANON_SCHEMA_INVALID",
      "the raw schema must be an Avro record schema with fields",
    );
  }
  const fields = schema["fields"] as unknown[];
  if (!fields.every((f) => isObject(f) && typeof f["name"] === "string")) {
    throw new AnonymisationError("ANON_SCHEMA_INVALID", "every field of the raw schema needs a name");
  }
  return fields as Array<Record<string, unknown>>;
}

/**
 * The name as V8 keeps a property name: one shared copy per name. A name read from the schema's JSON is a string
 * value, a different copy, and optimised code that reads `record[name]` at a site that only ever sees that one name
 * checks the key by identity against the shared copy. With the other copy, the check fails on every record, and the
 * anonymiser's code was deoptimised and recompiled hundreds of times per processing thread.
 */
function propertyName(name: string): string {
  return Object.keys({ [name]: true })[0] as string;
}

export function compilePolicy(rawSchema: unknown, strategy: Strategy): CompiledPolicy {
  const rawFields = recordFields(rawSchema);
  const version = policyVersionOf(rawSchema as Record<string, unknown>);
  const shapes = new Map<string, FieldShape>();
  const annotations = new Map<string, Params[]>();
  for (const f of rawFields) {
    const name = propertyName(f["name"] as string);
    shapes.set(name, shapeOf({ name, type: f["type"] }));
    annotations.set(name, annotationsOf(f, name));
  }

  const pseudonymRef = (name: string): PseudonymRef | undefined => {
    const shape = shapes.get(name);
    const ann = annotations.get(name)?.find((a) => a["op"] === "pseudonymise");
    if (!shape || !ann) return undefined;
    return pseudonymise.validate(ann, {
      field: shape,
      fields: shapes,
      strategy,
      pseudonymRef: () => undefined,
    });
  };

  const compiled: CompiledField[] = [];
  const outputs: Array<{ name: string; type: unknown }> = [];
  const outputNames = new Set<string>();
  for (const [name, list] of annotations) {
    const shape = shapes.get(name) as FieldShape;
    const ctx: CompileContext = { field: shape, fields: shapes, strategy, pseudonymRef };
    const operations = list.map((base): CompiledOperation => {
      const annotation = forStrategy(base, strategy, name);
      const operator = operatorOf(annotation, name);
      const params = operator.validate(annotation, ctx);
      const outputType = operator.outputType(params, ctx);
      let output: string | null = null;
      if (outputType !== null) {
        const as = annotation["as"] ?? name;
        if (typeof as !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(as) || outputNames.has(as)) {
          throw new AnonymisationError(
            "ANON_POLICY_INVALID",
            `field '${name}': output name is invalid or used twice`,
            name,
          );
        }
        output = propertyName(as);
        outputNames.add(output);
        outputs.push({ name: output, type: outputType });
      }
      return {
        field: name,
        operator: operator.name,
        output,
        outputType,
        keyed: operator.keyed(params, strategy),
        gate: operator.gate === true,
        apply: (value, operationContext) => operator.operate(value, params, operationContext, name),
      };
    });
    if (operations.some((o) => o.gate) && operations.length > 1) {
      throw new AnonymisationError(
        "ANON_POLICY_INVALID",
        `field '${name}': a gate must be the field's only operator`,
        name,
      );
    }
    compiled.push({ shape, operations });
  }

  return Object.freeze({
    version,
    strategy,
    gates: compiled.filter((f) => f.operations[0]?.gate),
    fields: compiled.filter((f) => !f.operations[0]?.gate),
    knownFields: new Set(shapes.keys()),
    outputs,
  });
}
