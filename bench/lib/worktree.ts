import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";

const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

/**
 * Another commit of this repository, checked out into a temporary git worktree with this checkout's node_modules
 * linked into it, so that a benchmark can run its code beside this checkout's. `remove()` deletes it.
 */
export function checkoutCommit(rev: string): { commit: string; dir: string; remove(): void } {
  const commit = git("rev-parse", "--short", `${rev}^{commit}`);
  const dir = mkdtempSync(join(tmpdir(), `bench-${commit}-`));
  git("worktree", "add", "--detach", "--force", dir, commit);
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  return {
    commit,
    dir,
    remove() {
      unlinkSync(join(dir, "node_modules"));
      rmSync(dir, { recursive: true, force: true });
      git("worktree", "prune");
    },
  };
}
