// What the CLI prints and how it exits: human text or --json, errors with a next step, one exit code per meaning.

/**
 * One exit code per meaning (docs/cli.md): 0 ok, 1 failed, 2 usage, 3 not within the timeout, 4 refused by the
 * dormant-code guard, 5 a running release owns the flag, 6 a release start would take a feature away, 7 needs a
 * confirmation the command was not given (--yes, --allow-new), 8 held for approval (a change request was opened),
 * 9 the change request was rejected or expired.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, dormant: 4, releaseOwns: 5, takesAway: 6, confirm: 7, pending: 8, notApplied: 9 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI expects: it knows its exit code and, ideally, what the user should do next. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Not a failure but not done either: the outcome is a result (printed on stdout like any result, JSON with --json)
 * that exits with its own code, e.g. a write held for approval (exit 8).
 */
export class Outcome extends CliError {
  constructor(
    readonly data: unknown,
    readonly human: string[],
    exitCode: ExitCode,
  ) {
    super(human[0] ?? '', exitCode);
  }
}

export const usageError = (message: string, code = 'USAGE') => new CliError(message, EXIT.usage, { code });

// Secrets (the admin token in use) are replaced wherever they would be printed: the server, a proxy or a
// URL can echo them back, and a CI log is public to everyone who can read the repository.
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

export interface OutputOptions {
  json?: boolean;
}

/** The result of a command: `human` for people (lines), `data` for --json. */
export function emit(opts: OutputOptions, data: unknown, human: () => string | string[]): void {
  if (opts.json) return void process.stdout.write(redact(JSON.stringify(data, null, 2)) + '\n');
  const text = human();
  const lines = Array.isArray(text) ? text.join('\n') : text;
  if (lines) process.stdout.write(redact(lines) + '\n');
}

/** A note beside the result (progress, warnings): stderr, so stdout stays the result. */
export function note(message: string): void {
  process.stderr.write(redact(message) + '\n');
}

/**
 * A progress line that rewrites itself on a terminal; elsewhere (CI logs) a line is printed only when the text
 * changes, not for every tick of `elapsed`. Silent when not `shown` (--json: stderr carries only the error).
 */
export function progress(shown: boolean): { update(text: string, elapsed?: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  return {
    update(text, elapsed) {
      if (!shown || (!tty && text === last)) return;
      last = text;
      const line = redact(elapsed ? `${text} (${elapsed})` : text);
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    done() {
      if (tty && last) process.stderr.write('\n');
      last = '';
    },
  };
}

/** Prints an error the way the user asked for (text, or JSON with --json) and returns its exit code. */
export function reportError(error: unknown, opts: OutputOptions): ExitCode {
  if (error instanceof Outcome) {
    emit(opts, error.data, () => error.human);
    return error.exitCode;
  }
  const failure = error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error));
  if (opts.json) {
    const body = { error: { message: failure.message, exitCode: failure.exitCode, ...failure.details } };
    process.stderr.write(redact(JSON.stringify(body)) + '\n');
  } else {
    process.stderr.write(redact(`curtain: ${failure.message}`) + '\n');
  }
  return failure.exitCode;
}

/** Rows as aligned columns, for lists. */
export function table(rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
