/**
 * The suites that stop and restart servers run on local stacks of their own, never on the shared default stack
 * (19xxx, .stack/). Each is named here once: its vitest config sets the values before anything imports dev/stack,
 * its global setup refuses to start without them, and stack-control refuses to touch any other stack.
 */
export const ISOLATED_STACKS = {
  faults: {
    STACK_MODE: "local",
    STACK_PORT_BASE: "23000",
    STACK_STATE_DIR: "/tmp/faults-stack",
    STACK_ENV_FILE: "/tmp/faults-stack.env",
  },
  chaos: {
    STACK_MODE: "local",
    STACK_PORT_BASE: "24000",
    STACK_STATE_DIR: "/tmp/chaos-stack",
    STACK_ENV_FILE: "/tmp/chaos-stack.env",
  },
} as const;

export type IsolatedStackName = keyof typeof ISOLATED_STACKS;

/** Puts an isolated stack's settings into this process's environment (a vitest config calls it first thing). */
export function useIsolatedStack(name: IsolatedStackName): Record<string, string> {
  const settings = ISOLATED_STACKS[name];
  Object.assign(process.env, settings);
  // Endpoints in the environment would select "external" mode (the shared stack): the suite must never see them.
  for (const key of ["KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "DATABASE_URL"])
    delete process.env[key];
  return { ...settings };
}

/** Which isolated stack this process is configured for, or undefined (then nothing may be stopped). */
export function currentIsolatedStack(env: NodeJS.ProcessEnv = process.env): IsolatedStackName | undefined {
  return (Object.keys(ISOLATED_STACKS) as IsolatedStackName[]).find((name) =>
    Object.entries(ISOLATED_STACKS[name]).every(([key, value]) => env[key] === value),
  );
}
