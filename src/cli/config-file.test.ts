// --config FILE: camelCase keys of the serve options, flags win, unknown keys and non-objects rejected.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile } from './config-file.js';
import { addServeOptions, readServeOptions, type ServeOptions } from './serve-options.js';

const dir = mkdtempSync(join(tmpdir(), 'anycastd-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** `anycastd serve ARGS` as main.ts reads it, up to the checked options. */
function serve(args: string[]): ServeOptions {
  const cmd = addServeOptions(new Command('serve').exitOverride());
  cmd.parse(args, { from: 'user' });
  const cli = cmd.opts();
  return readServeOptions(cli, cli.config === undefined ? undefined : readConfigFile(cli.config as string));
}

const v4 = (host: string, port: number) => ({ host, port, family: 4 });

describe('--config', () => {
  it('gives the defaults without --config', () => {
    expect(serve(['--rise', '3'])).toMatchObject({ listen: [v4('127.0.0.1', 5353)], anycast: [], zones: './zones', rise: 3, checkInterval: 1000 });
  });

  it('replaces defaults with the file: numbers as numbers or numeric strings, lists stay lists, a single value becomes a list', () => {
    expect(serve(['--config', file({ listen: '192.0.2.1:53' })]).listen).toEqual([v4('192.0.2.1', 53)]);
    const opts = serve(['--config', file({ listen: ['192.0.2.1:53', '[2001:db8::1]:53'], anycast: ['192.0.2.1/32'], zones: '/etc/anycastd/zones', rise: 3, checkInterval: '500', debugEndpoints: true })]);
    expect(opts).toMatchObject({
      listen: [v4('192.0.2.1', 53), { host: '2001:db8::1', port: 53, family: 6 }], anycast: ['192.0.2.1/32'], zones: '/etc/anycastd/zones', rise: 3, checkInterval: 500, debugEndpoints: true,
    });
  });

  it('lets command-line flags win, a list flag replacing the whole list', () => {
    const path = file({ listen: ['192.0.2.1:53'], rise: 3, zones: '/etc/z', birdInclude: '/run/a.conf' });
    const opts = serve(['--rise', '5', '--listen', '127.0.0.1:5353', '--config', path, '--bird-include', '/tmp/b.conf']);
    expect(opts).toMatchObject({ rise: 5, listen: [v4('127.0.0.1', 5353)], zones: '/etc/z', birdInclude: '/tmp/b.conf' });
  });

  it('rejects an unknown key, naming it and the file', () => {
    const path = file({ rise: 2, riseCount: 3 });
    expect(() => serve(['--config', path])).toThrow(`config file ${path}: unknown key "riseCount"`);
  });

  it('wants the camelCase names, not the flag spelling, and not "config" itself', () => {
    expect(() => serve(['--config', file({ 'check-interval': 500 })])).toThrow('unknown key "check-interval"');
    expect(() => serve(['--config', file({ config: '/etc/other.json' })])).toThrow('unknown key "config"');
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

  it('names the file and key of a bad value', () => {
    const path = file({ maxLagMs: 0 });
    expect(() => serve(['--config', path])).toThrow(`config file ${path}: "maxLagMs" must be an integer >= 1, got "0"`);
    expect(() => serve(['--config', file({ zones: 5 })])).toThrow('"zones" must be a string, got 5');
    expect(() => serve(['--config', file({ rise: true })])).toThrow('"rise" must be a number, got true');
    expect(() => serve(['--config', file({ listen: [53] })])).toThrow('"listen" must be a string, got 53');
  });
});
