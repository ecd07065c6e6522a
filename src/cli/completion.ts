/**
 * `goready completion bash|zsh|fish`: a completion script written from the commands and options
 * commander holds, so it always matches this version's flags (subcommands, options, the choices
 * of --format and the like, file names for arguments and file-valued options).
 */
import { Argument, type Command, Option } from 'commander';
import { type Cli, emit, examples } from './command.js';

interface Opt {
  short?: string;
  long?: string;
  takesValue: boolean;
  choices: string[];
  description: string;
}

interface Cmd {
  name: string;
  description: string;
  options: Opt[];
  /** The first argument's choices (completion's shells); files when empty. */
  args: string[];
}

const optsOf = (c: Command): Opt[] =>
  c.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      ...(o.short ? { short: o.short } : {}),
      ...(o.long ? { long: o.long } : {}),
      takesValue: o.required || o.optional,
      choices: o.argChoices ?? [],
      description: o.description,
    }));

function tree(program: Command): { globals: Opt[]; commands: Cmd[] } {
  const help: Opt = { long: '--help', short: '-h', takesValue: false, choices: [], description: 'display help' };
  return {
    globals: [...optsOf(program), help],
    commands: program.commands
      .flatMap((c) => [c, ...c.commands.filter((s) => s.name() !== 'help')])
      .map((c) => ({
        name: c.parent && c.parent !== program ? `${c.parent.name()} ${c.name()}` : c.name(),
        description: c.description().split('\n')[0] ?? '',
        options: [...optsOf(c), help],
        // A command with subcommands (trace) completes their names; else the first argument's choices.
        args: c.commands.length ? c.commands.map((s) => s.name()).filter((n) => n !== 'help') : (c.registeredArguments[0]?.argChoices ?? []),
      })),
  };
}

/** Commands that have subcommands (trace): the word after them is a subcommand. */
const parents = (t: { commands: Cmd[] }) => [...new Set(t.commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string))];

const flagsOf = (opts: Opt[]) => opts.flatMap((o) => [o.short, o.long].filter((x): x is string => !!x));

/** Single quotes for sh and fish: ' ends the quote, \' adds one, ' opens again. */
const sq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "'\\''")}'`;

export function bashScript(program: Command): string {
  const t = tree(program);
  const valued = (opts: Opt[]) => flagsOf(opts.filter((o) => o.takesValue));
  const lines = [
    '# goready completion for bash: source <(goready completion bash), or save it as',
    '# ~/.local/share/bash-completion/completions/goready',
    '_goready() {',
    `  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" i`,
    '  # The first word that is neither an option nor the value of a global option is the command.',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    `    case "\${COMP_WORDS[i]}" in`,
    `      ${valued(t.globals).join('|') || '--'}) ((i++)) ;;`,
    '      -*) ;;',
    `      *) [ -n "$cmd" ] && { cmd="$cmd \${COMP_WORDS[i]}"; break; }; cmd="\${COMP_WORDS[i]}"; case "$cmd" in ${parents(t).join('|') || '--'}) ;; *) break ;; esac ;;`,
    '    esac',
    '  done',
    '  local words',
    '  case "$cmd $prev" in',
  ];
  for (const o of t.globals.filter((o) => o.choices.length)) lines.push(`    *" ${flagsOf([o]).join(`"|*" `)}") words=${sq(o.choices.join(' '))} ;;`);
  for (const c of t.commands) {
    for (const o of c.options.filter((o) => o.choices.length))
      lines.push(`    "${c.name} ${flagsOf([o]).join(`"|"${c.name} `)}") words=${sq(o.choices.join(' '))} ;;`);
  }
  lines.push('  esac');
  lines.push('  if [ -n "$words" ]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); return; fi');
  lines.push('  case "$cmd" in');
  lines.push(`    "") words=${sq([...t.commands.filter((c) => !c.name.includes(' ')).map((c) => c.name), ...flagsOf(t.globals)].join(' '))} ;;`);
  for (const c of t.commands) lines.push(`    ${JSON.stringify(c.name)}) words=${sq(flagsOf(c.options).join(' '))} ;;`);
  lines.push('  esac');
  lines.push('  if [ -z "$cmd" ] || [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); return; fi');
  for (const c of t.commands.filter((c) => c.args.length))
    lines.push(`  if [ "$cmd" = ${JSON.stringify(c.name)} ]; then COMPREPLY=($(compgen -W ${sq(c.args.join(' '))} -- "$cur")); return; fi`);
  lines.push('  COMPREPLY=($(compgen -f -- "$cur"))');
  lines.push('}');
  lines.push('complete -o filenames -o bashdefault -F _goready goready');
  return `${lines.join('\n')}\n`;
}

/** zsh runs the bash function through bashcompinit, which ships with zsh. */
export function zshScript(program: Command): string {
  return `#compdef goready\n# goready completion for zsh: source <(goready completion zsh)\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(
    program,
  )
    .split('\n')
    .filter((l) => !l.startsWith('# goready completion') && !l.startsWith('# ~/'))
    .join('\n')}`;
}

export function fishScript(program: Command): string {
  const t = tree(program);
  const valued = flagsOf(t.globals.filter((o) => o.takesValue));
  const lines = [
    '# goready completion for fish: goready completion fish > ~/.config/fish/completions/goready.fish',
    'complete -c goready -f',
    '# The command: the first word that is neither an option nor the value of a global option.',
    'function __goready_command',
    '    set -l words (commandline -opc)',
    '    set -e words[1]',
    '    while set -q words[1]',
    '        switch $words[1]',
    ...(valued.length ? [`            case ${valued.join(' ')}`, '                set -e words[1]'] : []),
    "            case '-*'",
    "            case '*'",
    '                # A command with subcommands names both words.',
    '                switch $words[1]',
    ...(parents(t).length
      ? [
          `                    case ${parents(t).join(' ')}`,
          '                        set -q words[2]; and echo $words[1] $words[2]; or echo $words[1]',
          '                        return 0',
        ]
      : []),
    '                end',
    '                echo $words[1]',
    '                return 0',
    '        end',
    '        set -e words[1]',
    '    end',
    '    return 1',
    'end',
  ];
  const opt = (cond: string, o: Opt) => {
    const parts = ['complete -c goready', cond];
    if (o.short) parts.push(`-s ${o.short.replace(/^-/, '')}`);
    if (o.long) parts.push(`-l ${o.long.replace(/^--/, '')}`);
    if (o.choices.length) parts.push(`-x -a ${sq(o.choices.join(' '))}`);
    else if (o.takesValue) parts.push('-r -F');
    parts.push(`-d ${sq(o.description)}`);
    return parts.join(' ');
  };
  const none = `-n ${sq('not __goready_command')}`;
  for (const o of t.globals) lines.push(opt(none, o));
  for (const c of t.commands) {
    if (!c.name.includes(' ')) lines.push(`complete -c goready ${none} -a ${c.name} -d ${sq(c.description)}`);
    const cond = `-n ${sq(`test "$(__goready_command)" = "${c.name}"`)}`;
    lines.push(c.args.length ? `complete -c goready ${cond} -x -a ${sq(c.args.join(' '))}` : `complete -c goready ${cond} -F`);
    for (const o of c.options) lines.push(opt(cond, o));
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, _cli: Cli): void {
  program
    .command('completion')
    .addHelpText(
      'after',
      examples([
        ['source <(goready completion bash)', 'this bash'],
        ['goready completion fish -o ~/.config/fish/completions/goready.fish', 'every fish'],
      ]),
    )
    .description('Print a shell completion script for bash, zsh or fish')
    .addOption(new Option('-o, --out <file>', 'write the script to FILE'))
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: string, flags: { out?: string }) => {
      const scripts: Record<string, (p: Command) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
      emit((scripts[shell] as (p: Command) => string)(program), flags.out);
    });
}
