/**
 * The benchmark's own local stack (ports 21000+, state in /tmp) so that its load and other engineers' test runs
 * disturb each other as little as two shared cores allow. The variables must be set before dev/stack is imported:
 * its paths are read from process.env.
 */
export const BENCH_STACK_ENV = {
  STACK_PORT_BASE: "21000",
  STACK_STATE_DIR: "/tmp/bench-stack",
  STACK_ENV_FILE: "/tmp/bench-stack.env",
} as const;

export function applyBenchStackEnv(): void {
  for (const [k, v] of Object.entries(BENCH_STACK_ENV)) process.env[k] ??= v;
}
