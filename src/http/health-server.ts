/**
 * Health and metrics over HTTP for systemd, Docker/Kubernetes probes and
 * Prometheus: /healthz (alive: the event loop turns), /readyz (cameras and
 * broker are where they should be), /status (JSON), /metrics (Prometheus);
 * plus, when given, the live page and its picture endpoints (page.ts).
 * node:http is enough for a few read-only routes; a framework would only add
 * weight on small boards. Binds to loopback by default: /status is not public.
 */
import http from 'node:http';
import { prometheusContentType } from 'prom-client';
import { systemClock, type Clock } from '../clock.js';
import { urlMasker, type Redact } from '../config/mask.js';
import { LookoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { EventLoopMonitor } from './event-loop-monitor.js';
import type { PageRoutes } from './page.js';

export interface Readiness {
  ready: boolean;
  /** Why not ready, e.g. "camera front: offline (connection refused)". */
  reasons: string[];
}

/** What the daemon exposes; called per request, so each call must be cheap. */
export interface HealthProvider {
  liveness(): boolean;
  readiness(): Readiness;
  status(): unknown;
  metrics(): Promise<string>;
}

export interface HealthServerOptions {
  /** http.host */
  host: string;
  /** http.port; 0 picks a free port. */
  port: number;
  logger: Logger;
  provider: HealthProvider;
  clock?: Clock;
  /** Event-loop lag above which /healthz fails (default 5000). */
  maxLagMs?: number;
  /** Every body passes through it before it is sent, so no secret leaves (default: URL masking only). */
  redactor?: Redact;
  /** The live page and picture endpoints (src/http/page.ts), when the daemon serves them. */
  page?: PageRoutes;
  /** Called on stop before the server closes (ends the page's event streams). */
  onStop?: () => void;
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

const ALLOW = 'GET, HEAD';
const JSON_TYPE = 'application/json; charset=utf-8';
const json = (status: number, value: unknown): Reply => ({ status, contentType: JSON_TYPE, body: `${JSON.stringify(value)}\n` });

export class HealthServer {
  readonly #options: HealthServerOptions;
  readonly #redactor: Redact;
  readonly #logger: Logger;
  readonly #monitor: EventLoopMonitor;
  readonly #routes: Record<string, () => Reply | Promise<Reply>>;
  #server: http.Server | null = null;

  constructor(options: HealthServerOptions) {
    this.#options = options;
    this.#redactor = options.redactor ?? urlMasker;
    this.#logger = options.logger.child({ component: 'http' });
    this.#monitor = new EventLoopMonitor({ clock: options.clock ?? systemClock, maxLagMs: options.maxLagMs ?? 5000 });
    const { provider } = options;
    this.#routes = {
      '/healthz': () => this.#healthz(),
      '/readyz': () => {
        const readiness = provider.readiness();
        return json(readiness.ready ? 200 : 503, { ready: readiness.ready, reasons: readiness.reasons });
      },
      '/status': () => json(200, provider.status()),
      '/metrics': async () => ({ status: 200, contentType: prometheusContentType, body: await provider.metrics() }),
    };
  }

  /** The bound address once started (the picked port when configured with 0). */
  get address(): { host: string; port: number } | null {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? { host: address.address, port: address.port } : null;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const { host, port } = this.#options;
    const server = http.createServer((request, response) => void this.#handle(request, response));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      throw listenError(error as NodeJS.ErrnoException, host, port);
    }
    server.on('error', (error) => this.#logger.error({ err: { message: error.message } }, 'health server error'));
    this.#server = server;
    this.#monitor.start();
    this.#logger.info({ address: this.address }, 'health server listening');
  }

  /** Stops listening and drops open keep-alive connections. Safe to call twice. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#monitor.stop();
    if (!server) return;
    this.#options.onStop?.();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  #healthz(): Reply {
    const lagMs = Math.round(this.#monitor.lagMs);
    const reasons: string[] = [];
    if (!this.#monitor.healthy) reasons.push(`event loop lag ${lagMs} ms`);
    if (!this.#options.provider.liveness()) reasons.push('daemon reports not alive');
    return json(reasons.length === 0 ? 200 : 503, { alive: reasons.length === 0, event_loop_lag_ms: lagMs, reasons });
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let reply: Reply;
    // Only the path matters; the base is a placeholder for URL parsing.
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const route = this.#routes[path];
    const page = this.#options.page;
    if (!route && page && (request.method === 'GET' || request.method === 'HEAD')) {
      try {
        if (await page.handle(request, response, url)) return;
      } catch (error) {
        this.#logger.error({ err: { message: (error as Error).message }, path }, 'page route failed');
        if (response.headersSent) {
          response.destroy();
          return;
        }
        reply = json(500, { error: (error as Error).message });
        response.writeHead(reply.status, { 'content-type': reply.contentType });
        response.end(this.#redactor.jsonLine(reply.body));
        return;
      }
    }
    if (!route) {
      reply = json(404, { error: 'not found', paths: [...Object.keys(this.#routes), ...(page?.paths ?? [])] });
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply = { ...json(405, { error: `method ${request.method ?? ''} not allowed` }), headers: { allow: ALLOW } };
    } else {
      try {
        reply = await route();
      } catch (error) {
        this.#logger.error({ err: { message: (error as Error).message }, path }, 'health route failed');
        this.#logger.debug({ stack: (error as Error).stack }, 'health route failure stack');
        reply = json(500, { error: (error as Error).message });
      }
    }
    // Data (JSON, Prometheus text) may carry config values and reasons; static assets and pictures are
    // sent as they are (URL masking would corrupt code that builds a `?token=` query, say).
    if (reply.contentType === JSON_TYPE) reply.body = this.#redactor.jsonLine(reply.body);
    else if (reply.contentType === prometheusContentType) reply.body = this.#redactor.text(reply.body);
    response.writeHead(reply.status, {
      'content-type': reply.contentType,
      'content-length': Buffer.byteLength(reply.body),
      'cache-control': 'no-store',
      ...reply.headers,
    });
    response.end(request.method === 'HEAD' ? undefined : reply.body);
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): LookoutError {
  const where = `http.host/http.port: ${host}:${port}`;
  if (error.code === 'EADDRINUSE') {
    return new LookoutError('EADDRINUSE', `${where} is already in use (another lookout running?); set http.port to a free port (0 picks one)`, { cause: error });
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new LookoutError('EADDRNOTAVAIL', `${where}: no local interface has address ${host}; set http.host to a local address such as 127.0.0.1`, { cause: error });
  }
  return new LookoutError(error.code ?? 'EHTTP', `${where}: cannot listen: ${error.message}`, { cause: error });
}
