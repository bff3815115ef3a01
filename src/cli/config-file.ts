// --config FILE: a JSON object with the serve options' keys (camelCase). Flags given on the command line win.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

export function applyConfigFile(cmd: Command): Record<string, unknown> {
  const opts = cmd.opts() as Record<string, unknown>;
  const path = opts.config as string | undefined;
  if (!path) return opts;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`config file ${path} must hold a JSON object`);
  const known = new Set(cmd.options.map((o) => o.attributeName()));
  for (const [key, value] of Object.entries(data)) {
    if (!known.has(key)) throw new Error(`config file ${path}: unknown key "${key}"`);
    if (cmd.getOptionValueSource(key) === 'cli') continue;
    const current = opts[key];
    // Lists stay lists; numbers become the strings flags would give.
    opts[key] = Array.isArray(current) || Array.isArray(value) ? [value].flat().map(String) : typeof value === 'boolean' ? value : String(value);
  }
  return opts;
}
