import { Admin } from "@platformatic/kafka";

export interface TopicSpec {
  name: string;
  partitions: number;
  replicas?: number;
  /** Topic configs, e.g. retention for the dead-letter topic. */
  configs?: Record<string, string>;
}

/** Creates the topics that do not exist yet (idempotent). */
export async function ensureTopics(
  bootstrap: string[],
  topics: TopicSpec[],
  clientId = "anonymiser-admin",
): Promise<string[]> {
  const admin = new Admin({ clientId, bootstrapBrokers: bootstrap });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    for (const t of missing) {
      await admin.createTopics({
        topics: [t.name],
        partitions: t.partitions,
        replicas: t.replicas ?? 1,
        ...(t.configs
          ? { configs: Object.entries(t.configs).map(([name, value]) => ({ name, value })) }
          : {}),
      });
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.close();
  }
}

/** Names of `topics` that do not exist. */
export async function missingTopics(bootstrap: string[], topics: string[]): Promise<string[]> {
  const admin = new Admin({ clientId: "anonymiser-admin", bootstrapBrokers: bootstrap });
  try {
    const existing = new Set(await admin.listTopics());
    return topics.filter((t) => !existing.has(t));
  } finally {
    await admin.close();
  }
}
