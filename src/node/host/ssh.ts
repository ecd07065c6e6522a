import { spawn } from 'node:child_process';
import { InputError } from '../../core/errors.js';
import type { HostSnapshot } from '../../core/facts/host.js';
import { HOST_SCRIPT } from './script.js';
import { validateSnapshot } from './snapshot-file.js';

/**
 * `goready host --ssh` and `goready check --host ssh://...`: runs the sh collector (HOST_SCRIPT) on
 * another machine through the system's ssh client, so the remote side needs only sh and the tools
 * the script names. Node only.
 */
export interface SshTarget {
  user: string | null;
  host: string;
  port: number | null;
  /** The target as given, for error messages. */
  label: string;
}

export interface SshSnapshotOptions {
  /** Adds the systemd section: the script's --unit NAME. */
  unit?: string | null;
  /**
   * ssh `-o` options, each "Key=value" (e.g. "StrictHostKeyChecking=accept-new",
   * "IdentityFile=/path/key", "UserKnownHostsFile=/path/known_hosts"), passed after BatchMode=yes.
   */
  sshOptions?: readonly string[];
  /** The ssh client. Default: ssh on PATH. */
  ssh?: string;
  /** Gives up (and kills ssh) after this long. Default: 120 s. */
  timeoutMs?: number;
}

/**
 * A host name (RFC 1123 labels, plus '_' for ssh config aliases) or an IPv4 address: letters,
 * digits, '.', '-', '_', not starting with '-'. Nothing a shell or ssh's ProxyCommand %h could
 * expand (';', '$()', backticks, quotes: CVE-2023-51385, which OpenSSH >= 9.6 also refuses).
 */
const HOSTNAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** An IPv6 address as written inside [ ] of an ssh:// URL, with an optional %zone. */
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;
/** A login name: POSIX portable characters plus '@' (user@domain logins) and '+'. */
const USER = /^[A-Za-z0-9._][A-Za-z0-9._@+-]*$/;

/**
 * Parses `[user@]host` or `ssh://[user@]host[:port]` (IPv6 as `[addr]` in the URL form). Throws one
 * line for anything but host-name or address characters in the host and login-name characters in
 * the user: nothing ssh could take as an option or a shell could expand.
 */
export function parseSshTarget(target: string): SshTarget {
  const bad = (why: string) => new InputError(target, `not an ssh target (${why}); expected [user@]host or ssh://[user@]host[:port]`);
  let user: string | null = null;
  let host: string;
  let port: number | null = null;
  if (target.startsWith('ssh://')) {
    let rest = target.slice('ssh://'.length).replace(/\/$/, '');
    if (rest.includes('/')) throw bad('a path is not allowed');
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      try {
        user = decodeURIComponent(rest.slice(0, at));
      } catch {
        // decodeURIComponent's URIError says only "URI malformed"; the user is told which part.
        throw bad('bad %-escape in the user');
      }
      rest = rest.slice(at + 1);
    }
    const m = /^(?:\[([0-9A-Fa-f:.%a-zA-Z]+)\]|([^:[\]]+))(?::([0-9]+))?$/.exec(rest);
    if (!m) throw bad('bad host or port');
    if (m[1] !== undefined && !IPV6.test(m[1])) throw bad('not an IPv6 address inside [ ]');
    host = (m[1] ?? m[2]) as string;
    if (m[3] !== undefined) {
      port = Number(m[3]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${m[3]} out of range`);
    }
  } else {
    const at = target.lastIndexOf('@');
    if (at >= 0) {
      user = target.slice(0, at);
      host = target.slice(at + 1);
    } else host = target;
  }
  if (host === '') throw bad('no host');
  if (user === '') throw bad('empty user');
  for (const part of [host, user ?? '']) {
    if (part.startsWith('-')) throw bad('starts with "-"');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (/[\s\x00-\x1f\x7f]/.test(part)) throw bad('blank or control character');
  }
  if (!HOSTNAME.test(host) && !(target.startsWith('ssh://') && IPV6.test(host))) throw bad('the host may hold only letters, digits, ".", "-" and "_"');
  if (user !== null && !USER.test(user)) throw bad('the user may hold only letters, digits, ".", "_", "-", "+" and "@"');
  return { user, host, port, label: target };
}

/** A word for the remote shell, which receives ssh's command as one string. */
const shQuote = (s: string) => (/^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The ssh command line sshSnapshot runs (without the program name). */
export function sshArgs(t: SshTarget, opts: SshSnapshotOptions = {}): string[] {
  const args = ['-o', 'BatchMode=yes'];
  for (const o of opts.sshOptions ?? []) {
    if (!/^[A-Za-z][A-Za-z0-9]*[= ]/.test(o)) throw new Error(`--ssh-option ${JSON.stringify(o)}: expected Key=value (an ssh -o option)`);
    args.push('-o', o);
  }
  if (t.port !== null) args.push('-p', String(t.port));
  const remote = ['sh', '-s', '--'];
  if (opts.unit !== null && opts.unit !== undefined) remote.push('--unit', opts.unit);
  args.push('--', t.user === null ? t.host : `${t.user}@${t.host}`, remote.map(shQuote).join(' '));
  return args;
}

/** The last non-empty line of ssh's stderr, for a one-line error. */
function lastLine(text: string): string {
  const l = text
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
  return l[l.length - 1] ?? '';
}

/**
 * Runs the sh collector on TARGET (`ssh -o BatchMode=yes [-p PORT] [user@]host sh -s -- [--unit NAME]`,
 * the script on stdin) and returns its snapshot, validated. Every failure (ssh, the script, its
 * output) is one line naming the target.
 */
export function sshSnapshot(target: string, opts: SshSnapshotOptions = {}): Promise<HostSnapshot> {
  const t = parseSshTarget(target);
  const args = sshArgs(t, opts);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(opts.ssh ?? 'ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {
      // ssh exited before reading the whole script; its exit status tells why.
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new InputError(t.label, `cannot run ${opts.ssh ?? 'ssh'}: ${e.code === 'ENOENT' ? 'not found' : e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) return reject(new InputError(t.label, `no snapshot after ${Math.round(timeoutMs / 1000)} s (ssh killed)`));
      if (code !== 0) {
        const why = lastLine(stderr);
        const what = code === 255 ? 'ssh failed' : code === null ? `ssh killed by ${signal}` : `the host script failed (exit ${code})`;
        return reject(new InputError(t.label, `${what}${why ? `: ${why}` : ''}`));
      }
      const text = Buffer.concat(out).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        const why = text.trim() === '' ? 'no output' : (e as Error).message.split('\n')[0];
        return reject(new InputError(t.label, `the host script printed no valid JSON: ${why}`));
      }
      try {
        resolve(validateSnapshot(json, t.label));
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(HOST_SCRIPT);
  });
}
