import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where the URL lives, coarse: our folders, a dependency by package name, node internals, or V8 pseudo-frames. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const path = url.startsWith("file://") ? relative(PROJECT_ROOT, new URL(url).pathname) : url;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (dep) return dep[1]!;
  return path
    .split("/")
    .slice(0, path.startsWith("ops/") || path.startsWith("topology/") ? 2 : 1)
    .join("/");
}

/** Self time per function and per area, from every .cpuprofile in dir (one per process/thread). */
export function summariseProfiles(dir: string, top = 30) {
  const byFn = new Map<string, { selfMs: number; fn: string; where: string }>();
  const byArea = new Map<string, number>();
  let totalMs = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i]!;
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
    for (const [id, ms] of self) {
      const node = nodes.get(id)!;
      const { functionName, url, lineNumber } = node.callFrame;
      const fn = functionName || "(anonymous)";
      const where = url
        ? `${url.startsWith("file://") ? relative(PROJECT_ROOT, new URL(url).pathname) : url}:${lineNumber + 1}`
        : "";
      const key = `${fn} ${where}`;
      const entry = byFn.get(key) ?? { selfMs: 0, fn, where };
      entry.selfMs += ms;
      byFn.set(key, entry);
      const a = area(url, fn);
      byArea.set(a, (byArea.get(a) ?? 0) + ms);
      totalMs += ms;
    }
  }
  const pct = (ms: number) => Math.round((ms / totalMs) * 1000) / 10;
  return {
    files: files.length,
    totalMs: Math.round(totalMs),
    topFunctions: [...byFn.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
      .map((e) => ({ function: e.fn, where: e.where, selfMs: Math.round(e.selfMs), percent: pct(e.selfMs) })),
    byArea: [...byArea.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => ({ area: name, selfMs: Math.round(ms), percent: pct(ms) })),
  };
}
