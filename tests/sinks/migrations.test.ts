import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchema } from "../../schemas/load.ts";
import { loadMigrations } from "../../sinks/migrate.ts";

describe("loadMigrations", () => {
  it("loads the shipped migrations in version order, starting at 1 with no gaps or duplicates", () => {
    const migrations = loadMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations[0]).toMatchObject({ version: 1, name: "initial" });
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_m, i) => i + 1));
    for (const m of migrations) {
      expect(m.name).toMatch(/^[a-z0-9_]+$/);
      expect(m.sql.trim().length).toBeGreaterThan(0);
    }
  });

  describe("on a directory of files", () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-test-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const files: Record<string, string> = {
      "010_add_audit_index.sql": "CREATE INDEX c ON t (c);",
      "002_second_step.sql": "ALTER TABLE t ADD COLUMN b int;",
      "001_initial.sql": "CREATE TABLE t (a int);",
      "README.md": "not a migration",
      "3_short_number.sql": "SELECT 3;",
      "004_Upper-Case.sql": "SELECT 4;",
      "005_no_extension": "SELECT 5;",
      "006_backup.sql.bak": "SELECT 6;",
    };
    beforeAll(() => {
      for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    });

    it("orders by version number, not by the order files were written", () => {
      expect(loadMigrations(dir).map((m) => m.version)).toEqual([1, 2, 10]);
    });

    it("takes the name from the file name and the SQL from its content", () => {
      expect(loadMigrations(dir)).toEqual([
        { version: 1, name: "initial", sql: "CREATE TABLE t (a int);" },
        { version: 2, name: "second_step", sql: "ALTER TABLE t ADD COLUMN b int;" },
        { version: 10, name: "add_audit_index", sql: "CREATE INDEX c ON t (c);" },
      ]);
    });

    it("ignores files not named NNN_lower_snake.sql", () => {
      const names = loadMigrations(dir).map((m) => m.name);
      expect(names).not.toContain("short_number");
      expect(names).not.toContain("Upper-Case");
      expect(names).not.toContain("no_extension");
      expect(names).not.toContain("backup");
    });
  });
});

/**
 * The research table must hold every field of the anonymised record schema: a field added to the .avsc without a
 * column would be silently lost by the sink. A deliberately simple parser: one column per line, comments stripped.
 */
describe("anonymised_patient_records table vs anonymised-patient-record.v1.avsc", () => {
  const initial = loadMigrations().find((m) => m.version === 1);
  if (!initial) throw new Error("001_initial.sql not found");

  function tableColumns(sql: string, table: string): Map<string, { type: string; notNull: boolean }> {
    const start = sql.indexOf(`CREATE TABLE ${table} (`);
    if (start < 0) throw new Error(`table ${table} not found`);
    const body = sql.slice(start, sql.indexOf("\n);", start));
    const columns = new Map<string, { type: string; notNull: boolean }>();
    for (const rawLine of body.split("\n").slice(1)) {
      const line = rawLine.replace(/--.*$/, "").trim();
      const match = /^([a-z_][a-z0-9_]*)\s+([a-z]+(?:\[\])?)/.exec(line);
      if (!match || /^(unique|primary|constraint|check|foreign)$/i.test(match[1] ?? "")) continue;
      columns.set(match[1] ?? "", {
        type: match[2] ?? "",
        notNull: /\bNOT NULL\b|\bPRIMARY KEY\b/i.test(line),
      });
    }
    return columns;
  }

  const columns = tableColumns(initial.sql, "anonymised_patient_records");
  const fields = loadSchema("anonymisedPatientRecord").fields;

  it("parses the table (sanity check of the simple parser)", () => {
    expect(columns.get("record_id")).toEqual({ type: "text", notNull: true });
    expect(columns.get("source_offset")).toEqual({ type: "bigint", notNull: true });
    expect(columns.has("unique")).toBe(false);
  });

  it("has a column for every schema field", () => {
    const missing = fields.map((f) => f.name).filter((name) => !columns.has(name));
    expect(missing).toEqual([]);
  });

  it("has no column beyond the schema's fields except the sink's own bookkeeping", () => {
    const schemaFields = new Set(fields.map((f) => f.name));
    const extra = [...columns.keys()].filter((c) => !schemaFields.has(c));
    expect(extra.sort()).toEqual(["committed_at", "source_offset", "source_partition", "source_topic"]);
  });

  it("makes a column nullable exactly when its field is a union with null", () => {
    for (const field of fields) {
      const nullable = Array.isArray(field.type) && field.type.includes("null");
      expect({ field: field.name, notNull: columns.get(field.name)?.notNull }).toEqual({
        field: field.name,
        notNull: !nullable,
      });
    }
  });

  it("gives each column the SQL type of its Avro type", () => {
    const sqlType = (type: unknown): string => {
      if (Array.isArray(type)) return sqlType(type.find((t) => t !== "null"));
      if (typeof type === "string")
        return { string: "text", int: "integer", long: "bigint", boolean: "boolean" }[type] ?? type;
      const t = type as { type: string; logicalType?: string; items?: unknown };
      if (t.logicalType === "timestamp-millis") return "timestamptz";
      if (t.logicalType === "date") return "date";
      if (t.type === "array") return `${sqlType(t.items)}[]`;
      return sqlType(t.type);
    };
    for (const field of fields) {
      expect({ field: field.name, type: columns.get(field.name)?.type }).toEqual({
        field: field.name,
        type: sqlType(field.type),
      });
    }
  });
});

describe("loadMigrations refuses two migrations with one version", () => {
  it("throws naming the version", () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-dup-"));
    try {
      writeFileSync(join(dir, "002_a.sql"), "SELECT 1;");
      writeFileSync(join(dir, "002_b.sql"), "SELECT 2;");
      expect(() => loadMigrations(dir)).toThrow(/version 2/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
