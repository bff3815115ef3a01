// What each control-socket command does to the running service: the one place state changes are made from outside.

import type { Logger } from 'pino';
import type { ControlRequest } from './control-protocol.js';
import type { ToWorker } from '../contract/ipc.js';

export interface CommandTargets {
  status(): object;
  setDrain(on: boolean): Promise<void>;
  reload(): Promise<void>;
  broadcast(msg: ToWorker): void;
  /** Test-only triggers (blocking or loading the data path) need --debug-endpoints. */
  debugCommands: boolean;
}

/** A longest block a debug trigger may ask for: tests need seconds, never a hung node. */
const MAX_DEBUG_BLOCK_MS = 60_000;

export function controlHandler(t: CommandTargets, log: Logger): (req: ControlRequest) => Promise<unknown> {
  return async (req) => {
    switch (req.cmd) {
      case 'status':
        return t.status();
      case 'drain':
      case 'undrain':
        log.info({ cmd: req.cmd }, `control socket: ${req.cmd}`);
        await t.setDrain(req.cmd === 'drain');
        return t.status();
      case 'reload':
        log.info('control socket: reload');
        await t.reload();
        return t.status();
      case 'debug-block':
      case 'debug-load':
      case 'debug-crash': {
        if (!t.debugCommands) throw new Error(`${req.cmd} needs serve --debug-endpoints (tests only)`);
        // args.worker aims block and crash at one worker (process or thread); without it, all of them.
        const worker = req.args.worker === undefined ? {} : { worker: req.args.worker };
        const msg: ToWorker =
          req.cmd === 'debug-block'
            ? { kind: 'debug-block', ms: Math.min(req.args.ms ?? 2000, MAX_DEBUG_BLOCK_MS), ...worker }
            : req.cmd === 'debug-crash'
              ? { kind: 'debug-crash', ...worker }
              : { kind: 'debug-load', busyMs: req.args.busyMs ?? 0, periodMs: Math.max(10, req.args.periodMs ?? 100) };
        log.warn({ debug: msg }, 'debug trigger');
        t.broadcast(msg);
        return msg;
      }
    }
  };
}
