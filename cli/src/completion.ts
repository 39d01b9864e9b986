// `curtain completion bash|zsh`: a shell completion script for commands, subcommands and options, made from the
// command tree itself so that it never lags behind it. zsh runs the bash function through bashcompinit.
import { Argument, type Command } from 'commander';
import { emit } from './output';

/** Every command path ("flags:push") with what may follow it: its subcommands, or its options. */
function words(cmd: Command, path: string[] = [], out = new Map<string, string[]>()): Map<string, string[]> {
  const subs = cmd.commands.filter((c) => c.name() !== 'help');
  const options = cmd.options.flatMap((o) => [o.long, o.short]).filter((o): o is string => !!o);
  out.set(path.join(':'), subs.length ? subs.map((c) => c.name()) : [...options, '--help']);
  for (const sub of subs) words(sub, [...path, sub.name()], out);
  return out;
}

export function bashScript(root: Command): string {
  const tree = words(root);
  const cases = [...tree].map(([path, next]) => `    '${path}') opts='${next.join(' ')}' ;;`).join('\n');
  const known = [...tree.keys()].filter(Boolean).join(' ');
  return `# curtain completion for bash (and zsh through bashcompinit), made by \`curtain completion\`.
#   bash: eval "$(curtain completion bash)"   (or save it as ~/.local/share/bash-completion/completions/curtain)
_curtain() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path='' i w opts=''
  local known=' ${known} '
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    if [[ $known == *" \${path:+$path:}$w "* ]]; then path="\${path:+$path:}$w"; fi
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _curtain curtain
`;
}

export function zshScript(root: Command): string {
  return `# curtain completion for zsh, made by \`curtain completion zsh\`: eval "$(curtain completion zsh)" in ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(root).split('\n').filter((l) => !l.startsWith('#')).join('\n')}`;
}

export function completionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(curtain completion bash)" (or zsh)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => emit({}, null, () => (shell === 'bash' ? bashScript(program) : zshScript(program)).trimEnd()));
}
