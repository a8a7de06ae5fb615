/**
 * Loads the Terraform tree as JSON (via @cdktf/hcl2json, the HCL parser Terraform's own JSON syntax mirrors) so the
 * policy tests can assert on configuration without provider plugins, which cannot be downloaded offline.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "@cdktf/hcl2json";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");
export const TERRAFORM_ROOT = join(REPO_ROOT, "terraform");

// hcl2json returns untyped JSON; these aliases keep the tests readable.
// biome-ignore lint/suspicious/noExplicitAny: parsed HCL has no static shape
export type Hcl = Record<string, any>;

export interface Block {
  readonly module: string;
  readonly file: string;
  readonly type: string;
  readonly name: string;
  readonly body: Hcl;
}

export interface TerraformDir {
  readonly dir: string;
  readonly resources: readonly Block[];
  readonly data: readonly Block[];
  readonly variables: ReadonlyMap<string, Hcl>;
  readonly locals: Readonly<Hcl>;
  readonly modules: ReadonlyMap<string, Hcl>;
  readonly terraform: readonly Hcl[];
  /** Provider configurations by provider name (`provider "aws" { ... }`), first block of each. */
  readonly providers: ReadonlyMap<string, Hcl>;
  /** Raw source of every file, for the few rules that need expression text. */
  readonly source: string;
}

function blocksOf(section: Hcl | undefined, module: string, file: string): Block[] {
  const out: Block[] = [];
  for (const [type, byName] of Object.entries(section ?? {})) {
    for (const [name, bodies] of Object.entries(byName as Hcl)) {
      for (const body of bodies as Hcl[]) out.push({ module, file, type, name, body });
    }
  }
  return out;
}

export async function loadDir(dir: string): Promise<TerraformDir> {
  const module = relative(TERRAFORM_ROOT, dir);
  const resources: Block[] = [];
  const data: Block[] = [];
  const variables = new Map<string, Hcl>();
  const modules = new Map<string, Hcl>();
  const terraform: Hcl[] = [];
  const providers = new Map<string, Hcl>();
  let locals: Hcl = {};
  let source = "";
  const files = readdirSync(dir).filter((f) => f.endsWith(".tf"));
  for (const file of files) {
    const text = readFileSync(join(dir, file), "utf8");
    source += `\n${text}`;
    const json = await parse(file, text);
    resources.push(...blocksOf(json["resource"], module, file));
    data.push(...blocksOf(json["data"], module, file));
    for (const [name, bodies] of Object.entries((json["variable"] ?? {}) as Hcl))
      variables.set(name, bodies[0]);
    for (const [name, bodies] of Object.entries((json["module"] ?? {}) as Hcl)) modules.set(name, bodies[0]);
    for (const l of (json["locals"] ?? []) as Hcl[]) locals = { ...locals, ...l };
    terraform.push(...((json["terraform"] ?? []) as Hcl[]));
    for (const [name, bodies] of Object.entries((json["provider"] ?? {}) as Hcl))
      providers.set(name, bodies[0]);
  }
  return { dir, resources, data, variables, locals, modules, terraform, providers, source };
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => statSync(d).isDirectory())
    .sort();
}

export const moduleDirs = (): string[] => subdirs(join(TERRAFORM_ROOT, "modules"));
export const envDirs = (): string[] => subdirs(join(TERRAFORM_ROOT, "envs"));

export async function loadAll(): Promise<TerraformDir[]> {
  return Promise.all([...moduleDirs(), ...envDirs()].map((d) => loadDir(d)));
}

export const resourcesOf = (dirs: readonly TerraformDir[], type: string): Block[] =>
  dirs.flatMap((d) => d.resources.filter((r) => r.type === type));

export const dataOf = (dirs: readonly TerraformDir[], type: string): Block[] =>
  dirs.flatMap((d) => d.data.filter((r) => r.type === type));

/** First block of a nested block list (`encryption_info { ... }` parses as an array of one object). */
export function one(value: unknown): Hcl {
  if (Array.isArray(value)) return (value[0] ?? {}) as Hcl;
  return (value ?? {}) as Hcl;
}

/** Resolves `${local.x}` and `${var.x}` (to the default) within one directory; other values are returned as is. */
export function resolve(dir: TerraformDir, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const local = /^\$\{local\.([A-Za-z0-9_-]+)\}$/.exec(value);
  if (local?.[1] !== undefined && local[1] in dir.locals) return resolve(dir, dir.locals[local[1]]);
  const variable = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(value);
  if (variable?.[1] !== undefined) return dir.variables.get(variable[1])?.["default"];
  return value;
}

export const isReference = (value: unknown, pattern: RegExp): boolean =>
  typeof value === "string" && value.startsWith("${") && pattern.test(value);
