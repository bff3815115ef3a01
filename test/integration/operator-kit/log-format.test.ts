// --log-format: JSON lines by default (journald), pino-pretty's human lines with `pretty`.

import { describe, expect, it } from 'vitest';
import { startServer } from '../support/server.js';

describe('serve --log-format', () => {
  it('writes one JSON object per line by default', async () => {
    const server = await startServer();
    await server.stop();
    const lines = server.logTail(50).split('\n').slice(1).filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines.find((l) => l.includes('listening'))!)).toMatchObject({ level: 30, svc: 'anycastd' });
  });

  it('writes human lines with pretty', async () => {
    const server = await startServer({ args: ['--log-format', 'pretty'] });
    await server.stop();
    const log = server.logTail(50);
    expect(log).toMatch(/INFO.*listening on UDP and TCP/);
    expect(log.split('\n').slice(1).some((l) => l.startsWith('{"level"'))).toBe(false);
  });
});
