// Structured JSON logs (pino) to stderr, so stdout stays free for command output; `pretty` for a person at a terminal.

import { createRequire } from 'node:module';
import pino, { type Logger, type DestinationStream } from 'pino';

import type { LogFormat } from './log-format.js';

export { LOG_FORMATS, type LogFormat } from './log-format.js';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', format: LogFormat = 'json'): Logger {
  return pino({ level, base: { svc: 'anycastd' } }, format === 'pretty' ? prettyStream() : pino.destination({ fd: 2, sync: false }));
}

/** pino-pretty in this thread (no transport worker), loaded only when asked for: JSON under systemd pays nothing for it. */
function prettyStream(): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => DestinationStream;
  return pretty({ destination: 2, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,svc', sync: true });
}
