// A bench file run as a script: its command line for the report, where its result goes, and cleanup on the way out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { killAll } from './children.mjs';
import { BENCH_DIR } from './zone-cache.mjs';

/** How this run was started, as the report shows it: `node bench/NAME.mjs ARGS`. */
export function commandLine(script) {
  const args = process.argv.slice(2);
  return `node bench/${script}${args.length ? ` ${args.join(' ')}` : ''}`;
}

/** Writes a report to bench/results/FILE. */
export function writeResult(file, report) {
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'results', file), report);
}

/** Runs main() when `moduleUrl` is the script node was started with; failures set the exit code; children are always killed. */
export function runIfScript(moduleUrl, main) {
  if (moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  main()
    .catch((err) => {
      console.error(err.stack ?? err);
      process.exitCode = 1;
    })
    .finally(() => killAll());
}
