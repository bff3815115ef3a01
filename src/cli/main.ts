#!/usr/bin/env node
// The anycastd entry point: `withdraw` runs without loading commander or the server (it is ExecStopPost after a
// crash: start-up time is traffic lost); everything else goes to the commander program.

if (process.argv[2] === 'withdraw') {
  const { runWithdrawCommand } = await import('../routing/withdraw-command.js');
  process.exitCode = await runWithdrawCommand(process.argv.slice(3));
} else {
  await import('./program.js');
}
