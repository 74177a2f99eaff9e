/**
 * The last tracker events of every camera, for the live page: a bounded
 * backlog (LAST per camera) sent when a page connects, then each new event
 * as it is published, over server-sent events (`GET /events`).
 */
import type { ServerResponse } from 'node:http';
import type { EventPayload } from '../mqtt/payloads.js';

export const LAST = 20;

export class LiveEvents {
  readonly #last = new Map<string, EventPayload[]>();
  readonly #clients = new Set<ServerResponse>();
  readonly #encode: (event: EventPayload) => string;

  /** `encode` turns an event into the JSON line sent (the server's redactor goes here). */
  constructor(encode: (event: EventPayload) => string = (e) => JSON.stringify(e)) {
    this.#encode = encode;
  }

  get clients(): number {
    return this.#clients.size;
  }

  add(event: EventPayload): void {
    const list = this.#last.get(event.camera) ?? [];
    list.push(event);
    if (list.length > LAST) list.shift();
    this.#last.set(event.camera, list);
    const message = `data: ${this.#encode(event)}\n\n`;
    for (const client of this.#clients) client.write(message);
  }

  /** Takes over the response: the backlog in time order, then live events until the client goes. */
  attach(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const backlog = [...this.#last.values()].flat().sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    for (const event of backlog) response.write(`data: ${this.#encode(event)}\n\n`);
    this.#clients.add(response);
    response.on('close', () => this.#clients.delete(response));
  }

  /** Ends every stream (server stop). */
  close(): void {
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}
