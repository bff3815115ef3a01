// Tests for the hand-rolled `anycastd withdraw` flags (no commander on this path).

import { describe, expect, it } from 'vitest';
import { parseWithdrawArgs } from './withdraw-command.js';

describe('parseWithdrawArgs', () => {
  it('BIRD by default, with the defaults the service uses', () => {
    expect(parseWithdrawArgs(['--bird-include', '/run/anycastd/bird-anycast.conf'])).toEqual({
      router: 'bird', anycast: [], birdInclude: '/run/anycastd/bird-anycast.conf', birdSocket: '/run/bird/bird.ctl', frrVtysh: 'vtysh',
    });
  });

  it('FRR, repeated --anycast, --flag=value', () => {
    expect(parseWithdrawArgs(['--router=frr', '--anycast', '192.0.2.1/32', '--anycast=2001:db8::1/128', '--frr-vtysh', 'vtysh --vty_socket /x'])).toMatchObject({
      router: 'frr', anycast: ['192.0.2.1/32', '2001:db8::1/128'], frrVtysh: 'vtysh --vty_socket /x',
    });
  });

  it('refuses what it does not know, with the reason', () => {
    expect(() => parseWithdrawArgs(['--router', 'quagga'])).toThrow(/bird or frr/);
    expect(() => parseWithdrawArgs([])).toThrow(/--bird-include is required/);
    expect(() => parseWithdrawArgs(['--router', 'frr', '--bogus'])).toThrow(/unknown argument/);
    expect(() => parseWithdrawArgs(['--router'])).toThrow(/needs a value/);
  });
});
