// Starts a worker thread from a module beside the caller, whether the project runs built (.js) or from its TypeScript sources (vitest).

import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `entry` is the thread's module as the caller names it: new URL('../x.js', import.meta.url). Built, that file
 * runs as is. From the sources (the caller's import.meta.url ends in .ts) the thread first registers
 * ts-source-hooks.mjs, which lets Node 20 load x.ts and what it imports, so tests need no prior build.
 */
export function startThread(entry: URL, callerUrl: string, options?: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(entry, options);
  const hooks = new URL('./ts-source-hooks.mjs', import.meta.url).href;
  const source = entry.href.replace(/\.js$/, '.ts');
  const bootstrap = `import { register } from 'node:module';\nregister(${JSON.stringify(hooks)});\nawait import(${JSON.stringify(source)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
