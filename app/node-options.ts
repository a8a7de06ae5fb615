/**
 * Node's options for a pipeline process, the same wherever one runs: the image sets them in `NODE_OPTIONS` (so
 * compose and ECS, which run the image, get them too), `npm start` and `npm run demo` put them on node's command
 * line, and the benchmark and the chaos runs start their pipeline processes with them. They must be given before
 * the process starts: V8's thread pool is made before any JavaScript runs.
 *
 * `--v8-pool-size=1`: V8's helper threads (the parallel and concurrent parts of garbage collection, background
 * compilation) number four by default whatever the machine. The pipeline already runs a JavaScript thread per core
 * (the processing threads) beside its event loop, so further helpers can only share the same cores. Measured on 2
 * cores: with one helper, the helpers' CPU per record fell by 1–4 µs every time and the pipeline moved 1–3% more
 * records per second, a gain within the spread of one comparison (bench/README.md).
 */
export const PIPELINE_NODE_OPTIONS: readonly string[] = ["--v8-pool-size=1"];

/**
 * The options of PIPELINE_NODE_OPTIONS this process was started without, looking at node's command line and at
 * NODE_OPTIONS (a deployment that sets NODE_OPTIONS itself replaces the image's). Start-up logs them as a warning:
 * the pipeline still works, with V8's default helper threads.
 */
export function missingNodeOptions(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const words = [...execArgv, ...(nodeOptions ?? "").split(/\s+/)];
  const given = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    given.add(word);
    // "--v8-pool-size 1" is the same option as "--v8-pool-size=1".
    const next = words[i + 1];
    if (word.startsWith("--") && !word.includes("=") && next !== undefined && !next.startsWith("-"))
      given.add(`${word}=${next}`);
  }
  return PIPELINE_NODE_OPTIONS.filter((option) => !given.has(option));
}
