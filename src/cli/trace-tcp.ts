import type { TcpEvent } from '../core/analyses/trace/tcp-events.js';
import { EXIT_BAD_INPUT, EXIT_OK, interruptible, outputStream } from './command.js';

/** `goready trace tcp`: events as jsonl (then the summary as the last line), or the summary as text or JSON. */
export async function runTcp(flags: { pid?: number; port?: number; durationMs?: number; format: 'text' | 'json' | 'jsonl'; out?: string }): Promise<number> {
  const { traceTcp } = await import('../node/trace/tcp.js');
  const { TcpAggregator } = await import('../core/analyses/trace/tcp-events.js');
  const { renderTcpSummary } = await import('../core/render/trace-tcp.js');
  const { PreflightError } = await import('../node/trace/preflight.js');
  const out = outputStream(flags.out);
  const agg = new TcpAggregator();
  const events: TcpEvent[] = [];
  const stop = interruptible();
  try {
    const r = await traceTcp({
      pid: flags.pid,
      port: flags.port,
      durationMs: flags.durationMs,
      signal: stop.signal,
      onStart: (info) => {
        process.stderr.write(`goready: tracing TCP of ${info.target}\n`);
        for (const m of info.missing) process.stderr.write(`goready: not traced: ${m.what}: ${m.why}\n`);
      },
      onEvent: (e) => {
        agg.add(e);
        if (flags.format === 'jsonl') void out.write(`${JSON.stringify(e)}\n`);
        else if (flags.format === 'json') events.push(e);
      },
    });
    if (r.ended) process.stderr.write(`goready: ${r.ended}\n`);
    if (r.lostEvents) process.stderr.write(`goready: bpftrace lost ${r.lostEvents} events\n`);
    const summary = agg.summary(r.seconds);
    if (flags.format === 'jsonl') await out.write(`${JSON.stringify({ type: 'summary', target: r.info.target, missing: r.info.missing, ...summary })}\n`);
    else if (flags.format === 'json')
      await out.write(
        `${JSON.stringify({ target: r.info.target, netns: r.info.netns, ports: r.info.ports, missing: r.info.missing, summary, events }, null, 2)}\n`,
      );
    else await out.write(renderTcpSummary(r.info.target, summary, r.info.missing));
    return EXIT_OK;
  } catch (e) {
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
