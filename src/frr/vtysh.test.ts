// Tests for the vtysh runner (a real child process: timeout kill, absent binary, arguments) and its failure kinds.

import { describe, expect, it } from 'vitest';
import { vtyshFailure, vtyshRunner, type VtyshOutput } from './vtysh.js';

const out = (o: Partial<VtyshOutput>): VtyshOutput => ({ code: 0, stdout: '', stderr: '', durationMs: 1, timedOut: false, ...o });

describe('vtyshRunner', () => {
  it('passes its own arguments, then each command as -c', async () => {
    const r = await vtyshRunner('/bin/echo --vty_socket /x')(['show a', 'show b'], 2000);
    expect(r).toMatchObject({ code: 0, timedOut: false, stdout: '--vty_socket /x -c show a -c show b\n' });
  });

  it('kills a hung vtysh at the timeout', async () => {
    const t0 = performance.now();
    const r = await vtyshRunner('/bin/sh')(['sleep 5'], 100);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.timedOut).toBe(true);
    expect(vtyshFailure(r, 100)?.kind).toBe('timeout');
  });

  it('an absent vtysh is kind absent', async () => {
    const r = await vtyshRunner('/nonexistent/vtysh')(['show version'], 1000);
    expect(vtyshFailure(r, 1000)).toMatchObject({ kind: 'absent' });
  });
});

describe('vtyshFailure', () => {
  it('sorts what vtysh says', () => {
    expect(vtyshFailure(out({}), 1)).toBeNull();
    expect(vtyshFailure(out({ code: 1, stderr: 'bgpd is not running\n' }), 1)?.kind).toBe('bgpd-down');
    expect(vtyshFailure(out({ code: 1, stdout: '% Unknown command: bogus\n' }), 1)).toEqual({ kind: 'command', message: '% Unknown command: bogus' });
    expect(vtyshFailure(out({ code: 1, stdout: 'staticd is not running\n' }), 1)).toEqual({ kind: 'command', message: 'staticd is not running' });
    expect(vtyshFailure(out({ code: 0, stdout: '% Configuration failed.\n' }), 1)?.kind).toBe('command');
    expect(vtyshFailure(out({ code: 1, stdout: 'VTY configuration is locked by other VTY\n' }), 1)?.kind).toBe('locked');
    expect(vtyshFailure(out({ code: 2 }), 1)?.kind).toBe('other');
    // As the service user: vtysh.conf unreadable is not a failure; no daemon reachable is.
    const noConf = "% Can't open configuration file /etc/frr/vtysh.conf due to 'Permission denied'.\n";
    expect(vtyshFailure(out({ stderr: noConf, stdout: 'router bgp 65001\n' }), 1)).toBeNull();
    expect(vtyshFailure(out({ code: 1, stderr: `${noConf}Exiting: failed to connect to any daemons.\n` }), 1)).toMatchObject({ kind: 'bgpd-down', message: 'vtysh reached no daemon' });
  });
});
