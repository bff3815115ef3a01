// Structured JSON logs (pino) to stderr, so stdout stays free for command output.

import pino, { type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { svc: 'anycastd' } }, pino.destination({ fd: 2, sync: false }));
}
