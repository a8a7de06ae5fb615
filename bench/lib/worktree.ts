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
 * Another commit of this repository, checked out into a temporary git worktree, so that a benchmark can run its code
 * beside this checkout's. It gets this checkout's node_modules linked in when its dependencies are the same (the
 * same package-lock.json and patches/), and its own `npm ci` when they differ (`ownDependencies`): a patched client
 * is part of what a commit runs. `remove()` deletes it.
 */
export function checkoutCommit(rev: string): {
  commit: string;
  dir: string;
  ownDependencies: boolean;
  remove(): void;
} {
  const commit = git("rev-parse", "--short", `${rev}^{commit}`);
  const dir = mkdtempSync(join(tmpdir(), `bench-${commit}-`));
  git("worktree", "add", "--detach", "--force", dir, commit);
  const ownDependencies = !sameDependencies(commit);
  if (ownDependencies)
    execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
  else symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"));
  return {
    commit,
    dir,
    ownDependencies,
    remove() {
      if (!ownDependencies) unlinkSync(join(dir, "node_modules"));
      rmSync(dir, { recursive: true, force: true });
      git("worktree", "prune");
    },
  };
}

/** The commit's package-lock.json and patches/ are this checkout's (working tree included). */
function sameDependencies(commit: string): boolean {
  try {
    git("diff", "--quiet", commit, "--", "package-lock.json", "patches");
    return true;
  } catch {
    return false;
  }
}
