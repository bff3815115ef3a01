// --config FILE: a JSON object with the serve options' keys (camelCase); serve-options.ts checks the keys and values.

import { readFileSync } from 'node:fs';

export interface ConfigFile {
  path: string;
  data: Record<string, unknown>;
}

export function readConfigFile(path: string): ConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`config file ${path} must hold a JSON object`);
  return { path, data: data as Record<string, unknown> };
}
