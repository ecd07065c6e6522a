/**
 * The HTTP side of `goready serve`: the JSON API (README.md, "goready serve"), /metrics, and the web page. Writes
 * need the bearer token and are validated before they are stored; every response carries a strict
 * Content-Security-Policy. Uploaded data are parsed as JSON and checked, never executed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Metrics } from './metrics.js';
import { parseModuleQuery } from './module-query.js';
import type { Fleet } from './store/fleet.js';
import { binaryName, checkHostName, checkReports, checkSnapshot, RequestError, refuseNulParam } from './validate.js';

/** A snapshot with every library of a big host is a few hundred KiB; 8 MiB leaves room and bounds memory. */
export const SNAPSHOT_LIMIT = 8 << 20;
/** `inspect --format json` of a directory of binaries, with function lists: 32 MiB. */
export const REPORT_LIMIT = 32 << 20;

/**
 * Only the page's own files run: no inline script or style, no other origin, no plugins or frames.
 * The worker is a file of the page's origin; downloads are blob: URLs the page makes.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The analysis worker's own policy (a dedicated worker runs under the policy its script is served
 * with, not the page's): the same, plus 'wasm-unsafe-eval', which lets it compile WebAssembly (the
 * x86 decoder, iced-x86) and nothing else — JavaScript eval stays refused. The page keeps {@link CSP}.
 */
export const WORKER_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'");

/** Vite names the worker's script after its source, web/src/worker/analyse.worker.ts. */
const WORKER_SCRIPT = /^\/assets\/analyse\.worker-[\w-]+\.js$/;

export interface AppOptions {
  fleet: Fleet;
  metrics: Metrics;
  token: string;
  version: string;
  /** The built page (dist/web); the API works without it. */
  webDir: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** One query parameter as a string: absent → undefined, repeated → 400. */
function param(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new RequestError(400, `query parameter ${name} given more than once`, name);
  return v;
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: REPORT_LIMIT,
    // Slow or stalled clients are cut off rather than holding a connection.
    requestTimeout: 120_000,
    connectionTimeout: 120_000,
    // Bodies are parsed by Fastify's JSON parser, which refuses __proto__ and constructor keys.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const wanted = digest(o.token);

  const requireToken = async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m || !timingSafeEqual(digest(m[1] as string), wanted)) {
      reply.header('www-authenticate', 'Bearer realm="goready"');
      throw new RequestError(
        401,
        m ? 'wrong bearer token' : 'writes need Authorization: Bearer <token> (the token file goready serve printed)',
        'authorization',
      );
    }
  };

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', WORKER_SCRIPT.test(req.url.split('?')[0] ?? '') ? WORKER_CSP : CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    return payload;
  });

  // A body declared over the limit is read and dropped before the 413, up to twice the limit: a client
  // still sending would otherwise see the connection close (EPIPE) instead of the answer. Larger
  // declared bodies are refused at once and the connection closed.
  app.addHook('preParsing', async (req, reply, payload) => {
    const limit = reply.routeOptions.bodyLimit ?? REPORT_LIMIT;
    const declared = Number(req.headers['content-length']);
    if (!(declared > limit) || declared > 2 * limit) return payload;
    for await (const _ of payload) {
      // dropped
    }
    throw tooLarge(limit, req.url);
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof RequestError) return reply.status(err.status).send({ error: err.message, ...(err.field ? { field: err.field } : {}) });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      process.stderr.write(`goready serve: ${req.method} ${req.url}: ${err.stack ?? err.message}\n`);
      return reply.status(500).send({ error: 'internal error (logged by the server)' });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const e = tooLarge(reply.routeOptions.bodyLimit ?? REPORT_LIMIT, req.url);
      return reply.status(e.status).send({ error: e.message, field: e.field });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({ error: 'send JSON with Content-Type: application/json', field: 'content-type' });
    }
    return reply.status(status).send({ error: err.message, ...(status === 400 ? { field: '/' } : {}) });
  });

  // Names and queries reach PostgreSQL, whose text has no NUL: refused before any route runs.
  app.addHook('preValidation', async (req) => {
    for (const [k, v] of Object.entries((req.params ?? {}) as Record<string, unknown>)) if (typeof v === 'string') refuseNulParam(v, k);
    for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') refuseNulParam(x, k);
    }
  });

  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: `no such resource: ${req.method} ${req.url.split('?')[0]}` }));

  // ---- writes ----

  app.post('/api/snapshots', { bodyLimit: SNAPSHOT_LIMIT, onRequest: requireToken }, async (req, reply) => {
    try {
      const snapshot = checkSnapshot(req.body);
      const given = param(req, 'host');
      const host = given !== undefined ? checkHostName(given, 'host') : checkHostName(snapshot.hostname, '/hostname');
      const r = await o.fleet.addSnapshot({ host, snapshot });
      o.metrics.pushes.inc({ kind: 'snapshot', outcome: 'stored' });
      return reply.status(201).send(r);
    } catch (e) {
      if (e instanceof RequestError) o.metrics.pushes.inc({ kind: 'snapshot', outcome: 'rejected' });
      throw e;
    }
  });

  app.post('/api/reports', { bodyLimit: REPORT_LIMIT, onRequest: requireToken }, async (req, reply) => {
    try {
      const reports = checkReports(req.body);
      const fromParam = param(req, 'from');
      const from = fromParam === undefined ? null : checkHostName(fromParam, 'from');
      const stored = [];
      for (const { report, code } of reports) stored.push(await o.fleet.addReport({ name: binaryName(report), report, code, from }));
      o.metrics.pushes.inc({ kind: 'report', outcome: 'stored' });
      return reply.status(201).send({ binaries: stored });
    } catch (e) {
      if (e instanceof RequestError) o.metrics.pushes.inc({ kind: 'report', outcome: 'rejected' });
      throw e;
    }
  });

  // ---- reads ----

  app.get('/api/info', async () => ({ name: 'goready', version: o.version, db: o.fleet.db.kind }));
  app.get('/api/hosts', async () => o.fleet.hosts());
  app.get<{ Params: { name: string } }>('/api/hosts/:name', async (req) => {
    return (await o.fleet.host(req.params.name)) ?? notFound('host', req.params.name);
  });
  app.get<{ Params: { name: string; id: string } }>('/api/hosts/:name/snapshots/:id', async (req) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new RequestError(400, 'snapshot id must be a positive integer', 'id');
    return (await o.fleet.snapshot(req.params.name, id)) ?? notFound('snapshot', `${req.params.name}#${id}`);
  });
  app.get<{ Params: { name: string } }>('/api/hosts/:name/drift', async (req) => {
    return (await o.fleet.drift(req.params.name)) ?? notFound('host', req.params.name);
  });
  app.get('/api/compare', async (req) => {
    const a = param(req, 'a');
    const b = param(req, 'b');
    if (!a) throw new RequestError(400, 'give two hosts: /api/compare?a=HOST&b=HOST', 'a');
    if (!b) throw new RequestError(400, 'give two hosts: /api/compare?a=HOST&b=HOST', 'b');
    return (await o.fleet.compare(a, b)) ?? notFound('host with a snapshot', `${a} or ${b}`);
  });
  app.get('/api/binaries', async () => o.fleet.binaries());
  app.get<{ Params: { name: string } }>('/api/binaries/:name', async (req) => {
    return (await o.fleet.binary(req.params.name)) ?? notFound('binary', req.params.name);
  });
  app.get('/api/matrix', async (req) => {
    const binary = param(req, 'binary');
    const host = param(req, 'host');
    const summary = param(req, 'summary');
    if (summary !== undefined && summary !== 'true' && summary !== 'false') throw new RequestError(400, 'summary is true or false', 'summary');
    // A fleet's whole matrix with every finding is megabytes; its picture needs only the worst of each pair.
    if (summary === 'true') {
      if (binary !== undefined || host !== undefined) throw new RequestError(400, 'summary=true covers the whole matrix: filter without it', 'summary');
      return o.fleet.matrixSummary();
    }
    return o.fleet.matrix({ ...(binary !== undefined ? { binary } : {}), ...(host !== undefined ? { host } : {}) });
  });
  app.get('/api/search', async (req) => {
    let q: ReturnType<typeof parseModuleQuery>;
    try {
      q = parseModuleQuery(param(req, 'q') ?? '');
    } catch (e) {
      throw new RequestError(400, (e as Error).message, 'q');
    }
    return { query: q, hits: await o.fleet.search(q) };
  });

  app.get('/metrics', async (_req, reply) => {
    await o.metrics.refresh(o.fleet);
    return reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics());
  });

  // ---- the page ----

  const indexFile = join(o.webDir, 'index.html');
  if (existsSync(indexFile)) {
    // The marker tells the page a fleet server is behind it (the static build has none): no probe request.
    const index = readFileSync(indexFile, 'utf8').replace(
      '<head>',
      `<head>\n    <meta name="goready-server" content="${o.version.replace(/[^0-9A-Za-z.+-]/g, '')}">`,
    );
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index));
    await app.register(fastifyStatic, { root: o.webDir, index: false, wildcard: true, serveDotFiles: false });
  } else {
    app.get('/', async (_req, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send(`goready serve: the page is not built (${indexFile} is missing): run npm run build:web\n`),
    );
  }
  return app;
}

function tooLarge(limit: number, url: string): RequestError {
  return new RequestError(413, `request body larger than ${limit >> 20} MiB, the limit for ${url.split('?')[0]}`, '/');
}

function notFound(what: string, name: string): never {
  throw new RequestError(404, `no ${what} ${JSON.stringify(name)}`);
}
