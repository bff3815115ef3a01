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
  const options = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  for (const [key, value] of Object.entries(data)) {
    const option = options.get(key);
    if (!option) throw new Error(`config file ${path}: unknown key "${key}"`);
    if (cmd.getOptionValueSource(key) === 'cli') continue;
    if (option.isBoolean()) {
      // "false" as a string must not switch a flag on.
      if (typeof value !== 'boolean') throw new Error(`config file ${path}: "${key}" must be true or false`);
      opts[key] = value;
    } else if (Array.isArray(opts[key])) {
      // Repeatable flags (listen, anycast, zoneOrigin) take a list or a single value.
      opts[key] = [value].flat().map(String);
    } else {
      // Numbers become the strings flags would give.
      opts[key] = String(value);
    }
  }
  return opts;
}
