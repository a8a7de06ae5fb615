// Runs before every npm script that executes project code. npm puts node_modules/.bin first on PATH, so
// scripts run on the Node 24 binary installed by the `node` dev dependency. If that binary is missing (its
// install script did not run) scripts silently fall back to the system Node: refuse that loudly.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major !== 24 || minor < 11) {
  console.error(
    `error NODE_RUNTIME: this project runs on Node 24 LTS (>= 24.11), but npm scripts are running on Node ${process.versions.node} (${process.execPath}).\n` +
      "The `node` dev dependency provides it: run `npm ci` (install scripts must be allowed for `node`, see allowScripts in package.json).",
  );
  process.exit(1);
}
