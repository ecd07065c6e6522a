import { type Command, Option } from 'commander';
import { type Cli, collect, emit, examples } from './command.js';

interface HostFlags {
  out?: string;
  unit?: string;
  script?: boolean;
  ssh?: string;
  sshOption?: string[];
  validate?: string[];
  push?: string;
  tokenFile?: string;
  name?: string;
}

/**
 * `goready host [--out FILE] [--unit NAME]`: a snapshot of this host; `--script`: the sh script that
 * takes one elsewhere; `--ssh TARGET`: that script run over ssh; `--validate FILE...`: checks snapshot files.
 */
export function register(program: Command, _cli: Cli): void {
  program
    .command('host')
    .addHelpText(
      'after',
      examples([
        ['goready host -o host.json', 'snapshot this machine'],
        ['goready host --ssh admin@db1 -o db1.json', 'snapshot another over ssh with the sh collector'],
      ]),
    )
    .description(
      'Snapshot this Linux host (or one reached by ssh) as JSON (schema/host-snapshot.schema.json): kernel, distro, libc and its symbol versions, libraries, CPU level, limits, cgroup, seccomp, sysctls, TCP counters and listeners, container hints',
    )
    // A snapshot is JSON (schema/host-snapshot.schema.json); the flag is here as on every command.
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json']).default('json'))
    .option('-o, --out <file>', 'write the snapshot (or with --script, the script) to FILE')
    .option('--unit <name>', 'add the limits systemd gives this unit (systemctl show NAME)')
    .option('--script', 'print the POSIX sh collector instead, for hosts without Node: goready host --script | ssh HOST sh -s -- [--unit NAME] > host.json')
    .option('--ssh <target>', 'snapshot another host: runs the sh collector through ssh -o BatchMode=yes; TARGET is [user@]host or ssh://[user@]host[:port]')
    .option(
      '--ssh-option <key=value>',
      'with --ssh: an ssh -o option, e.g. IdentityFile=~/.ssh/id_ed25519, UserKnownHostsFile=FILE, StrictHostKeyChecking=accept-new (repeatable)',
      collect,
    )
    .option('--push <url>', 'send the snapshot to a goready serve fleet server (http://host:7070) instead of printing it (with --out, both)')
    .option('--token-file <file>', 'with --push: the server token (default $GOREADY_TOKEN, else ~/.config/goready/token)')
    .option('--name <host>', "with --push: the host's name in the fleet (default: the snapshot's hostname)")
    .option('--validate <file...>', 'check snapshot files against the schema instead (one line per file; exit 2 on the first bad one)')
    .action(async (flags: HostFlags, cmd: Command) => {
      const modes = [flags.script, flags.ssh !== undefined, flags.validate !== undefined].filter(Boolean).length;
      if (modes > 1) cmd.error('error: --script, --ssh and --validate are alternatives');
      if (flags.sshOption && flags.ssh === undefined) cmd.error('error: --ssh-option goes with --ssh');
      if ((flags.tokenFile !== undefined || flags.name !== undefined) && flags.push === undefined) cmd.error('error: --token-file and --name go with --push');
      if (flags.push !== undefined && (flags.script || flags.validate)) cmd.error('error: --push sends a snapshot: not with --script or --validate');
      if (flags.validate) {
        if (flags.unit !== undefined || flags.out !== undefined) cmd.error('error: --validate takes only snapshot files');
        for (const f of flags.validate) {
          const s = (await import('../node/host/snapshot-file.js')).readSnapshot(f);
          process.stdout.write((await import('../core/render/host.js')).renderSnapshotValid(f, s));
        }
        return;
      }
      if (flags.script) {
        if (flags.unit !== undefined) cmd.error('error: --unit is an argument of the script: goready host --script | sh -s -- --unit NAME');
        emit((await import('../node/host/script.js')).HOST_SCRIPT, flags.out);
        return;
      }
      const snapshot =
        flags.ssh !== undefined
          ? await (await import('../node/host/ssh.js')).sshSnapshot(flags.ssh, { unit: flags.unit ?? null, sshOptions: flags.sshOption ?? [] })
          : await (await import('../node/host/collect.js')).collect({ unit: flags.unit ?? null });
      if (flags.push !== undefined) {
        const { pushSnapshot } = await import('../node/fleet/push.js');
        const { clientToken } = await import('../node/fleet/token.js');
        if (flags.out) emit(`${JSON.stringify(snapshot, null, 2)}\n`, flags.out);
        const r = await pushSnapshot(snapshot, flags.push, clientToken(flags.tokenFile), flags.name);
        process.stdout.write(
          `pushed the snapshot of ${JSON.stringify(r.host)} (#${r.snapshot}), checked against ${r.evaluated} binar${r.evaluated === 1 ? 'y' : 'ies'}\n`,
        );
        return;
      }
      emit(`${JSON.stringify(snapshot, null, 2)}\n`, flags.out);
    });
}
