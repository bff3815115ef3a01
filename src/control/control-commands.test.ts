// Control commands: drain/undrain/reload reach the service, debug triggers only with --debug-endpoints.

import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { type CommandTargets, controlHandler } from './control-commands.js';

function targets(debugCommands: boolean) {
  return {
    status: vi.fn(() => ({ state: 'up' })),
    setDrain: vi.fn(async () => undefined),
    reload: vi.fn(async () => undefined),
    broadcast: vi.fn(),
    debugCommands,
  } satisfies CommandTargets;
}
const req = (cmd: string, args: Record<string, number> = {}) => ({ v: 1 as const, cmd: cmd as never, args });
const silent = pino({ level: 'silent' });

describe('controlHandler', () => {
  it('drains, undrains and reloads, answering with the status', async () => {
    const t = targets(false);
    const handle = controlHandler(t, silent);
    expect(await handle(req('drain'))).toEqual({ state: 'up' });
    await handle(req('undrain'));
    await handle(req('reload'));
    expect(t.setDrain.mock.calls).toEqual([[true], [false]]);
    expect(t.reload).toHaveBeenCalledTimes(1);
  });

  it('refuses debug triggers without --debug-endpoints; nothing reaches the workers', async () => {
    const t = targets(false);
    const handle = controlHandler(t, silent);
    await expect(handle(req('debug-block', { ms: 10 }))).rejects.toThrow(/needs serve --debug-endpoints/);
    await expect(handle(req('debug-load', { busyMs: 5 }))).rejects.toThrow(/needs serve --debug-endpoints/);
    expect(t.broadcast).not.toHaveBeenCalled();
  });

  it('passes debug triggers on, bounded, with --debug-endpoints', async () => {
    const t = targets(true);
    const handle = controlHandler(t, silent);
    expect(await handle(req('debug-block', { ms: 50 }))).toEqual({ kind: 'debug-block', ms: 50 });
    expect(await handle(req('debug-block', { ms: 999_999 }))).toEqual({ kind: 'debug-block', ms: 60_000 });
    expect(await handle(req('debug-load', { busyMs: 5, periodMs: 1 }))).toEqual({ kind: 'debug-load', busyMs: 5, periodMs: 10 });
    expect(t.broadcast).toHaveBeenCalledTimes(3);
  });
});
