import { describe, expect, it } from 'vitest';
import { nodeHasReusePort, pickDataPathMode } from './data-path.js';

describe('data-path mode', () => {
  it('knows which Node versions have reusePort for dgram and net', () => {
    expect(nodeHasReusePort('20.19.0')).toBe(false);
    expect(nodeHasReusePort('22.11.0')).toBe(false);
    expect(nodeHasReusePort('22.12.0')).toBe(true);
    expect(nodeHasReusePort('24.1.0')).toBe(true);
  });

  it('auto picks threads where reusePort exists, processes elsewhere; threads on old Node is an error', () => {
    expect(pickDataPathMode('auto', '20.19.0')).toBe('processes');
    expect(pickDataPathMode('auto', '22.12.0')).toBe('threads');
    expect(pickDataPathMode('processes', '24.0.0')).toBe('processes');
    expect(() => pickDataPathMode('threads', '20.19.0')).toThrow(/Node >= 22.12/);
  });
});
