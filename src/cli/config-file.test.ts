// --config FILE: camelCase keys of the serve options, flags win, unknown keys and non-objects rejected.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { applyConfigFile } from './config-file.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const dir = mkdtempSync(join(tmpdir(), 'anycastd-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The shapes of option that `serve` has: a repeatable list (default []), a default, a plain value, a boolean. */
function serve(args: string[]): Record<string, unknown> {
  const cmd = new Command('serve')
    .exitOverride()
    .option('--listen <addr:port>', 'listen', collect, [])
    .option('--anycast <prefix>', 'prefix', collect, [])
    .option('--zones <dir>', 'zones', './zones')
    .option('--rise <n>', 'rise', '2')
    .option('--check-interval <ms>', 'interval', '1000')
    .option('--bird-include <file>', 'include')
    .option('--debug-endpoints', 'debug')
    .option('--hide-version', 'hide')
    .option('--config <file>', 'config');
  cmd.parse(args, { from: 'user' });
  return applyConfigFile(cmd);
}

describe('applyConfigFile', () => {
  it('returns the flags untouched without --config', () => {
    expect(serve(['--rise', '3'])).toEqual({ listen: [], anycast: [], zones: './zones', rise: '3', checkInterval: '1000' });
  });

  it('replaces defaults with the file: numbers become strings, lists stay lists, a single value becomes a list', () => {
    expect(serve(['--config', file({ listen: '192.0.2.1:53' })]).listen).toEqual(['192.0.2.1:53']);
    const opts = serve(['--config', file({ listen: ['192.0.2.1:53', '[2001:db8::1]:53'], anycast: ['192.0.2.1/32'], zones: '/etc/anycastd/zones', rise: 3, checkInterval: 500, debugEndpoints: true })]);
    expect(opts).toMatchObject({
      listen: ['192.0.2.1:53', '[2001:db8::1]:53'], anycast: ['192.0.2.1/32'], zones: '/etc/anycastd/zones', rise: '3', checkInterval: '500', debugEndpoints: true,
    });
  });

  it('lets command-line flags win, a list flag replacing the whole list', () => {
    const path = file({ listen: ['192.0.2.1:53'], rise: 3, zones: '/etc/z', birdInclude: '/run/a.conf' });
    const opts = serve(['--rise', '5', '--listen', '127.0.0.1:5353', '--config', path, '--bird-include', '/tmp/b.conf']);
    expect(opts).toMatchObject({ rise: '5', listen: ['127.0.0.1:5353'], zones: '/etc/z', birdInclude: '/tmp/b.conf' });
  });

  it('rejects an unknown key, naming it and the file', () => {
    const path = file({ rise: 2, riseCount: 3 });
    expect(() => serve(['--config', path])).toThrow(`config file ${path}: unknown key "riseCount"`);
  });

  it('wants the camelCase names, not the flag spelling', () => {
    const path = file({ 'check-interval': 500 });
    expect(() => serve(['--config', path])).toThrow('unknown key "check-interval"');
  });

  it('rejects anything but a JSON object', () => {
    for (const bad of [[1, 2], null, 42, 'text']) {
      const path = file(JSON.stringify(bad));
      expect(() => serve(['--config', path]), JSON.stringify(bad)).toThrow(`config file ${path} must hold a JSON object`);
    }
  });

  it('says which file could not be read or parsed', () => {
    const broken = file('{ "rise": 2, }');
    expect(() => serve(['--config', broken])).toThrow(new RegExp(`^cannot read config file ${broken}: .*JSON`));
    const missing = join(dir, 'missing.json');
    expect(() => serve(['--config', missing])).toThrow(`cannot read config file ${missing}: ENOENT`);
  });

  // A single string for a repeatable flag must become a list, not be read character by character.
  it('turns a single --anycast value into a list', () => {
    expect(serve(['--config', file({ anycast: '192.0.2.1/32' })]).anycast).toEqual(['192.0.2.1/32']);
  });

  // A string for a boolean option is refused: "false" must never switch the debug endpoints on.
  it('does not read "false" as true for a boolean option', () => {
    expect(() => serve(['--config', file({ debugEndpoints: 'false' })])).toThrow('"debugEndpoints" must be true or false');
    expect(serve(['--config', file({ debugEndpoints: false, hideVersion: true })])).toMatchObject({ debugEndpoints: false, hideVersion: true });
  });
});
