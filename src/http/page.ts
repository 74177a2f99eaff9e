/**
 * The live page and its endpoints, served by the health server:
 * - `/`, `/app.js`, `/app.css`: the page (web/ in the package: one HTML, one
 *   script, one stylesheet; no build step, no framework);
 * - `/page.json`: what the page needs to know about this server (whether
 *   pictures need a token);
 * - `/cameras/<name>/latest.jpg[?boxes=0]`: the latest inferred picture, with
 *   the detections drawn unless boxes=0 (picture access rules apply);
 * - `/events`: server-sent tracker events (see LiveEvents).
 * The page reads everything else from /status.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { LatestPicture } from '../snapshot/snapshots.js';
import type { LiveEvents } from './live-events.js';
import { checkPictureRequest, type PictureAccess } from './picture-access.js';

export interface PageRoutesOptions {
  access: PictureAccess;
  /** http.token ('' = none). */
  token: string;
  pictures: { latest(camera: string, boxes: boolean): Promise<LatestPicture> };
  events: LiveEvents;
  /** Directory holding index.html, app.js, app.css. */
  webDir: string;
  logger: Logger;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const PICTURE = /^\/cameras\/([^/]+)\/latest\.jpg$/;

export class PageRoutes {
  readonly #o: PageRoutesOptions;
  readonly #files = new Map<string, Promise<Buffer>>();

  constructor(options: PageRoutesOptions) {
    this.#o = options;
  }

  /** The paths it serves, for the 404 listing. */
  get paths(): string[] {
    return [...Object.keys(STATIC), '/page.json', '/cameras/<name>/latest.jpg', '/events'];
  }

  /** Serves the request and returns true when the path is one of the page's. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    const head = request.method === 'HEAD';
    const asset = STATIC[path];
    if (asset) {
      // Read once, on first use (the constructor does no I/O); the files ship with the package.
      if (!this.#files.has(asset.file)) this.#files.set(asset.file, readFile(join(this.#o.webDir, asset.file)));
      send(response, 200, asset.type, await this.#files.get(asset.file)!, head);
      return true;
    }
    if (path === '/page.json') {
      send(response, 200, 'application/json; charset=utf-8', Buffer.from(`${JSON.stringify({ pictures: this.#o.access })}\n`), head);
      return true;
    }
    if (path === '/events') {
      this.#o.events.attach(response);
      return true;
    }
    const match = PICTURE.exec(path);
    if (!match) return false;
    const verdict = checkPictureRequest(this.#o.access, this.#o.token, request, url);
    if (!verdict.ok) {
      sendJson(response, verdict.status, { error: verdict.reason }, head);
      return true;
    }
    let camera: string;
    try {
      camera = decodeURIComponent(match[1]!);
    } catch {
      sendJson(response, 400, { error: 'bad camera name' }, head);
      return true;
    }
    const picture = await this.#o.pictures.latest(camera, url.searchParams.get('boxes') !== '0');
    switch (picture.status) {
      case 'ok':
        send(response, 200, 'image/jpeg', picture.jpeg, head, { 'last-modified': new Date(picture.capturedAt).toUTCString(), 'x-captured-at': new Date(picture.capturedAt).toISOString() });
        break;
      case 'unknown':
        sendJson(response, 404, { error: `no camera named ${camera}` }, head);
        break;
      case 'off':
        sendJson(response, 404, { error: `camera ${camera} takes no pictures (snapshot.enabled is false, or it is not running)` }, head);
        break;
      case 'waiting':
        sendJson(response, 503, { error: `no picture of ${camera} yet: it is kept from the next inferred frame on` }, head, { 'retry-after': '1' });
        break;
    }
    return true;
  }
}

function send(response: ServerResponse, status: number, type: string, body: Buffer, head: boolean, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store', ...headers });
  response.end(head ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, value: unknown, head: boolean, headers: Record<string, string> = {}): void {
  send(response, status, 'application/json; charset=utf-8', Buffer.from(`${JSON.stringify(value)}\n`), head, headers);
}
