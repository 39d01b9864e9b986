// `curtain flags …`: one flag at a time (list, get, create, on, off, refs), flag files (validate, diff, push, pull), stale flags.
import type { Command } from 'commander';
import { flagCommands } from './flag-commands';
import { flagFileCommands } from './flag-files';
import { staleCommand } from './stale';

export function flagsCommand(program: Command): void {
  const flags = program.command('flags').description('flags: list, get, create, on, off, refs, stale; flag files (flagd format with Curtain extensions): validate, diff, push, pull');
  flagCommands(flags);
  flagFileCommands(flags);
  staleCommand(flags);
}
