// The log formats `serve --log-format` takes; apart from log.ts so the CLI can list them without loading pino.

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
