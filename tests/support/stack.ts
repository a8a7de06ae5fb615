import { randomBytes } from "node:crypto";
import { Admin } from "@platformatic/kafka";
import pgPromise from "pg-promise";
import { inject } from "vitest";
import type { StackEndpoints } from "../../dev/stack/env-file.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackEndpoints & { mode: string };
  }
}

export function stack() {
  return inject("stack");
}

/** Names unique per test file and run, so files can run in parallel against one stack. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export async function createTopics(names: string[], partitions = 3): Promise<void> {
  const admin = new Admin({
    clientId: "test-admin",
    bootstrapBrokers: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
  });
  try {
    await admin.createTopics({ topics: names, partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Creates a fresh database on the stack's PostgreSQL and returns its URL. */
export async function createDatabase(prefix: string): Promise<string> {
  const name = uniqueName(prefix).replaceAll("-", "_").toLowerCase();
  const pgp = pgPromise();
  const admin = pgp(stack().DATABASE_URL);
  try {
    await admin.none("CREATE DATABASE $1:name", [name]);
  } finally {
    await admin.$pool.end();
  }
  const url = new URL(stack().DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
