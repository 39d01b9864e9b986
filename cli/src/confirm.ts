// Changes the CLI does not make without a yes: asked on a terminal, and in a pipeline refused (exit 7) unless --yes.
import { createInterface } from 'node:readline/promises';
import { CliError, EXIT, redact } from './output';

/**
 * Goes on when `yes` was given, or when a person at a terminal answers y; otherwise refuses with `what` and how to
 * confirm, having written nothing.
 */
export async function confirm(what: string, opts: { yes?: boolean; json?: boolean }, details: Record<string, unknown> = {}): Promise<void> {
  if (opts.yes) return;
  if (process.stdin.isTTY && process.stderr.isTTY && !opts.json) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(redact(`${what}\nGo ahead? [y/N] `));
      if (/^y(es)?$/i.test(answer.trim())) return;
    } finally {
      rl.close();
    }
    throw new CliError('nothing was changed', EXIT.confirm, { code: 'NOT_CONFIRMED', ...details });
  }
  throw new CliError(`${what}\n  → nothing was changed: pass --yes to go ahead`, EXIT.confirm, { code: 'NEEDS_CONFIRMATION', ...details });
}
