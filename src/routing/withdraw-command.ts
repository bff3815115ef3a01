// `anycastd withdraw` without commander, pino or any zone code: ExecStopPost after a crash, where start-up time is
// traffic lost. Parses its few flags by hand and loads only the chosen daemon's withdraw code.

export const WITHDRAW_USAGE =
  'usage: anycastd withdraw [--router bird|frr] [--anycast PREFIX]... ' +
  '[--bird-include FILE] [--bird-socket PATH] [--frr-vtysh PATH]';

interface WithdrawArgs {
  router: string;
  anycast: string[];
  birdInclude?: string;
  birdSocket: string;
  frrVtysh: string;
}

export function parseWithdrawArgs(argv: readonly string[]): WithdrawArgs {
  const out: WithdrawArgs = { router: 'bird', anycast: [], birdSocket: '/run/bird/bird.ctl', frrVtysh: 'vtysh' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--router': out.router = value(); break;
      case '--anycast': out.anycast.push(value()); break;
      case '--bird-include': out.birdInclude = value(); break;
      case '--bird-socket': out.birdSocket = value(); break;
      case '--frr-vtysh': out.frrVtysh = value(); break;
      default: throw new Error(`unknown argument "${arg}"`);
    }
  }
  if (out.router !== 'bird' && out.router !== 'frr') throw new Error(`--router must be bird or frr, got "${out.router}"`);
  if (out.router === 'bird' && !out.birdInclude) throw new Error('--bird-include is required with --router bird');
  return out;
}

/** Exit code of the command (2 for bad arguments). */
export async function runWithdrawCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${WITHDRAW_USAGE}\nSets the withdrawn state in BIRD (include file + reload) or FRR (vtysh); works with the service dead.\n`);
    return 0;
  }
  let args: WithdrawArgs;
  try {
    args = parseWithdrawArgs(argv);
  } catch (err) {
    process.stderr.write(`anycastd withdraw: ${(err as Error).message}\n${WITHDRAW_USAGE}\n`);
    return 2;
  }
  const reason = 'anycastd withdraw (service stopped)';
  if (args.router === 'frr') {
    const { runFrrWithdraw } = await import('../frr/withdraw.js');
    return runFrrWithdraw({ vtysh: args.frrVtysh, anycast: args.anycast });
  }
  const { runWithdraw } = await import('../bird/withdraw.js');
  return runWithdraw({ birdInclude: args.birdInclude!, birdSocket: args.birdSocket, anycast: args.anycast.length ? args.anycast : undefined, reason });
}
