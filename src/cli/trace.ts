import { type Command, Option } from 'commander';
import type { HttpRequestRecord } from '../core/analyses/trace/http-types.js';
import { type Cli, EXIT_BAD_INPUT, EXIT_OK, examples, interruptible, outputStream } from './command.js';

interface HttpFlags {
  pid?: string;
  binary?: string;
  duration?: string;
  format: 'text' | 'json' | 'jsonl';
  routes?: boolean;
  metrics?: string | true;
  out?: string;
}

interface TcpFlags {
  pid?: string;
  port?: string;
  duration?: string;
  format: 'text' | 'json' | 'jsonl';
  out?: string;
}

/** Default --metrics address: loopback only, unless an address is given. */
export const METRICS_DEFAULT = '127.0.0.1:9464';

function seconds(v: string | undefined, cmd: Command): number | undefined {
  if (v === undefined) return undefined;
  const s = Number(v);
  if (!(s > 0) || !Number.isFinite(s)) cmd.error(`error: --duration ${v}: not a number of seconds`);
  return s * 1000;
}

function integer(flag: string, v: string | undefined, cmd: Command): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) cmd.error(`error: ${flag} ${v}: not a positive integer`);
  return Number(v);
}

/** `goready trace http|tcp`: where a Go server's request time goes, and the health of its TCP connections. */
export function register(program: Command, cli: Cli): void {
  const trace = program.command('trace').description('Trace a running Go server with the kernel (root): HTTP request phases per request, TCP health');

  trace
    .command('http')
    .addHelpText(
      'after',
      examples([
        ['goready trace http --pid 4242 --routes', 'live table per route until Ctrl-C'],
        ['goready trace http --binary /usr/local/bin/api --duration 30 --format jsonl -o requests.jsonl', 'every request for 30 s'],
      ]),
    )
    .description(
      'Per request of a Go net/http server: accept wait, read, handler and write times, goroutine ID, method, path and status (uprobes on the function entries, TCP tracepoints; stripped binaries too)',
    )
    .option('--pid <n>', 'the server process')
    .option('--binary <path>', 'every running process of this binary')
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)')
    .addOption(
      new Option('-f, --format <format>', 'text: a live table on a terminal and a summary; jsonl: one request per line')
        .choices(['text', 'json', 'jsonl'])
        .default('text'),
    )
    .option('--routes', 'group paths into routes: Request.Pattern (Go ≥ 1.23) or the path with IDs replaced by {id}')
    .option('--metrics [addr]', `serve Prometheus metrics while tracing (default ${METRICS_DEFAULT}: loopback only)`)
    .option('-o, --out <file>', 'write the output to FILE')
    .action(async (flags: HttpFlags, cmd: Command) => {
      const pid = integer('--pid', flags.pid, cmd);
      if ((pid === undefined) === (flags.binary === undefined)) cmd.error('error: give one of --pid N and --binary PATH');
      cli.setExitCode(await runHttp({ ...flags, pidN: pid, durationMs: seconds(flags.duration, cmd) }));
    });

  trace
    .command('tcp')
    .addHelpText(
      'after',
      examples([
        ['goready trace tcp --port 8080 --duration 60', 'a minute of the listener on 8080'],
        ['goready trace tcp --pid 4242 --format json -o tcp.json', "the process's connections, as one JSON report"],
      ]),
    )
    .description(
      "TCP health of a process's connections or a port: states and lifetimes, retransmits, resets, drops with the kernel's reason, accept-queue overflows and Recv-Q of the listeners",
    )
    .option('--pid <n>', 'the process (its listeners and connections, in its network namespace)')
    .option('--port <n>', 'connections to or from this local port')
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)')
    .addOption(new Option('-f, --format <format>', 'text: a summary; jsonl: one event per line').choices(['text', 'json', 'jsonl']).default('text'))
    .option('-o, --out <file>', 'write the output to FILE')
    .action(async (flags: TcpFlags, cmd: Command) => {
      const pid = integer('--pid', flags.pid, cmd);
      const port = integer('--port', flags.port, cmd);
      if ((pid === undefined) === (port === undefined)) cmd.error('error: give one of --pid N and --port P');
      if (port !== undefined && (port < 1 || port > 65535)) cmd.error(`error: --port ${port}: not a TCP port`);
      const { runTcp } = await import('./trace-tcp.js');
      cli.setExitCode(await runTcp({ pid, port, durationMs: seconds(flags.duration, cmd), format: flags.format, out: flags.out }));
    });
}

async function runHttp(flags: HttpFlags & { pidN?: number; durationMs?: number }): Promise<number> {
  const { traceHttpReport } = await import('../node/trace/http-report.js');
  const { renderHttpHeader, renderHttpSummary, renderHttpTable, renderHttpJson } = await import('../core/render/trace-http.js');
  const out = outputStream(flags.out);
  const write = (s: string) => void out.write(s);
  // Records come in bursts (one per request, a poll's worth at a time): one write per burst.
  let pending: string[] = [];
  const flush = () => {
    const lines = pending;
    pending = [];
    if (lines.length) write(lines.join(''));
  };
  const queue = (line: string) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
  const live = flags.format === 'text' && !flags.out && !!process.stdout.isTTY;
  const requests: HttpRequestRecord[] = [];
  const stop = interruptible();
  let liveLines = 0;
  try {
    const { result, summary } = await traceHttpReport(
      {
        pid: flags.pidN,
        binary: flags.binary,
        durationMs: flags.durationMs,
        signal: stop.signal,
        routes: !!flags.routes,
        metrics: flags.metrics === true ? METRICS_DEFAULT : flags.metrics,
      },
      {
        metrics: (at) => process.stderr.write(`goready: metrics at http://${at}/metrics\n`),
        start: (info) => {
          const header = renderHttpHeader(info);
          // Machine-readable outputs keep stdout for records: the header goes to stderr.
          if (flags.format === 'text') write(header);
          else process.stderr.write(header);
        },
        record: (r) => {
          if (flags.format === 'jsonl') queue(`${JSON.stringify(r)}\n`);
          else if (flags.format === 'json') requests.push(r);
        },
        tick: !live
          ? undefined
          : (s) => {
              const table = renderHttpTable(s);
              // Redraw in place: back to the previous table's first line, then clear below.
              write(`${liveLines ? `\x1b[${liveLines}F` : ''}\x1b[J${table}`);
              liveLines = table.split('\n').length - 1;
            },
      },
    );
    flush();
    if (live && liveLines) write(`\x1b[${liveLines}F\x1b[J`);
    if (result.ended) process.stderr.write(`goready: ${result.ended}\n`);
    if (result.lostPages) process.stderr.write(`goready: the kernel dropped ${result.lostEvents || 'some'} events: some requests may be missing\n`);
    if (flags.format === 'text') write(renderHttpSummary(summary, result.seconds));
    else if (flags.format === 'json') write(renderHttpJson(result, summary, requests));
    return EXIT_OK;
  } catch (e) {
    const { PreflightError } = await import('../node/trace/preflight.js');
    if (e instanceof PreflightError) {
      process.stderr.write(`goready: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  } finally {
    stop.done();
    await out.end();
  }
}
