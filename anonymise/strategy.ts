import { AnonymisationError } from "./errors.ts";

/**
 * The deployment-wide strategy (`ANONYMISATION_STRATEGY`). Pseudonymisation keeps longitudinal linkage through
 * keyed tokens; redaction replaces the same identifiers with `[REDACTED]` where no linkage is wanted. Fields may
 * override either in the policy.
 */
export const STRATEGIES = ["pseudonymisation", "redaction"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export function parseStrategy(value: unknown): Strategy {
  if (typeof value === "string" && (STRATEGIES as readonly string[]).includes(value))
    return value as Strategy;
  throw new AnonymisationError("ANON_STRATEGY_INVALID", `strategy must be one of ${STRATEGIES.join(", ")}`);
}
