import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { envFilePath } from "./paths.ts";

/** The three addresses every part of the product needs to find the stack. */
export interface StackEndpoints {
  KAFKA_BOOTSTRAP_SERVERS: string;
  SCHEMA_REGISTRY_URL: string;
  DATABASE_URL: string;
}

export const ENDPOINT_KEYS = ["KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "DATABASE_URL"] as const;

export function endpointsFromEnv(env: NodeJS.ProcessEnv): StackEndpoints | undefined {
  const [kafka, registry, database] = ENDPOINT_KEYS.map((key) => env[key]?.trim());
  if (!kafka || !registry || !database) return undefined;
  return { KAFKA_BOOTSTRAP_SERVERS: kafka, SCHEMA_REGISTRY_URL: registry, DATABASE_URL: database };
}

export function writeEnvFile(endpoints: StackEndpoints, path = envFilePath()): void {
  const lines = [
    "# Written by `npm run stack:up`; read by the app, the demo and the tests. Local development only.",
    ...ENDPOINT_KEYS.map((key) => `${key}=${endpoints[key]}`),
    "",
  ];
  writeFileSync(path, lines.join("\n"), { mode: 0o600 });
}

/** Parses KEY=VALUE lines (no quoting, no expansion: the file is ours). */
export function readEnvFile(path = envFilePath()): Record<string, string> {
  if (!existsSync(path)) return {};
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) values[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return values;
}

/**
 * The endpoints the process should use: explicit environment first, then the file written by `stack:up`.
 * Returns undefined when neither names all three.
 */
export function resolveEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints | undefined {
  return endpointsFromEnv(env) ?? endpointsFromEnv({ ...readEnvFile(), ...pickDefined(env) });
}

function pickDefined(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ENDPOINT_KEYS) {
    const value = env[key];
    if (value) out[key] = value;
  }
  return out;
}
