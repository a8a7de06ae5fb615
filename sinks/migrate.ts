import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IDatabase } from "pg-promise";

const MIGRATIONS_DIR = join(import.meta.dirname, "migrations");
/** Any constant: two replicas starting together take turns on this lock instead of racing the DDL. */
const MIGRATION_LOCK = 47_110_815;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(join(dir, file), "utf8"),
    }));
  const versions = new Set<number>();
  for (const m of migrations) {
    if (versions.has(m.version)) throw new Error(`two migrations share version ${m.version}`);
    versions.add(m.version);
  }
  return migrations;
}

/** Applies pending migrations in order, each in its own transaction, under an advisory lock. */
export async function migrate(db: IDatabase<unknown>, migrations = loadMigrations()): Promise<number[]> {
  return db.tx("migrate", async (t) => {
    await t.one("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await t.none(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = new Set(
      await t.map("SELECT version FROM schema_migrations", [], (r: { version: number }) => r.version),
    );
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await t.none(m.sql);
      await t.none("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
