// Module hooks for worker threads run from the TypeScript sources (tests, no build): "../x.js" finds x.ts, which typescript transpiles.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Transpiled files by source hash: loading typescript itself costs ~0.6 s of CPU per thread, so only a changed file pays it. */
const CACHE = new URL('../../.cache/anycastd-ts-source/', pathToFileURL(createRequire(import.meta.url).resolve('typescript/package.json')));

/** Sources import each other as "../x.js" (NodeNext style); from a .ts importer that names the .ts beside it. */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

/** Types removed, nothing else changed: the per-file transpile `tsc` does, with an inline source map for stack traces. */
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const text = await readFile(path, 'utf8');
  const cached = new URL(`${createHash('sha256').update(path).update('\0').update(text).digest('hex')}.js`, CACHE);
  try {
    return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  } catch {
    // Not transpiled yet.
  }
  const { default: ts } = await import('typescript');
  const { outputText } = ts.transpileModule(text, {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  });
  try {
    // Threads may race on the same file: each writes its own temp file and renames it into place.
    await mkdir(CACHE, { recursive: true });
    const temp = new URL(`${cached.href}.${process.pid}.${Math.random().toString(36).slice(2)}`);
    await writeFile(temp, outputText);
    await rename(temp, cached);
  } catch {
    // A read-only tree only costs the next thread the transpile again.
  }
  return { format: 'module', source: outputText, shortCircuit: true };
}
