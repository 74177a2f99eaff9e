/**
 * mqtt.url = 'embedded': an in-process aedes broker on loopback, so a single
 * board works without installing mosquitto. It listens on 127.0.0.1 only:
 * it has no authentication, so it must not be reachable from the network.
 */
import net from 'node:net';
import type { Socket } from 'node:net';
import type { Aedes } from 'aedes';
import { LookoutError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface EmbeddedBrokerOptions {
  /** mqtt.embedded_port; 0 picks a free port (tests). */
  port: number;
  logger: Logger;
}

const HOST = '127.0.0.1';

export class EmbeddedBroker {
  readonly #port: number;
  readonly #logger: Logger;
  #broker: Aedes | null = null;
  #server: net.Server | null = null;
  readonly #sockets = new Set<Socket>();

  constructor(options: EmbeddedBrokerOptions) {
    this.#port = options.port;
    this.#logger = options.logger.child({ component: 'embedded-broker' });
  }

  /** The URL the publisher connects to; only valid after start(). */
  get url(): string {
    return `mqtt://${HOST}:${this.port}`;
  }

  /** The bound port (the configured one, or the picked one for port 0). */
  get port(): number {
    const address = this.#server?.address();
    return typeof address === 'object' && address !== null ? address.port : this.#port;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    // Loaded lazily: most installs point at an existing broker and never need aedes in memory.
    const { Aedes } = await import('aedes');
    const broker = await Aedes.createBroker();
    const server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      broker.handle(socket);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.#port, HOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw this.#listenError(error as NodeJS.ErrnoException);
    }
    server.on('error', (error) => this.#logger.error({ err: { message: error.message } }, 'embedded broker server error'));
    this.#broker = broker;
    this.#server = server;
    this.#logger.info({ url: this.url }, 'embedded MQTT broker listening');
  }

  /** Disconnects all clients and closes the listener. Safe to call twice. */
  async stop(): Promise<void> {
    const broker = this.#broker;
    const server = this.#server;
    this.#broker = null;
    if (!broker || !server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    // Clients that ignore the broker closing would keep server.close() waiting.
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    this.#server = null;
    this.#logger.info('embedded MQTT broker stopped');
  }

  #listenError(error: NodeJS.ErrnoException): LookoutError {
    if (error.code === 'EADDRINUSE') {
      return new LookoutError(
        'EADDRINUSE',
        `mqtt.url is 'embedded' but ${HOST}:${this.#port} is already in use (another MQTT broker such as mosquitto?). ` +
          `Either point mqtt.url at that broker (e.g. mqtt://${HOST}:${this.#port}) or set mqtt.embedded_port to a free port.`,
        { cause: error },
      );
    }
    return new LookoutError(error.code ?? 'EBROKER', `mqtt.url is 'embedded' but the broker cannot listen on ${HOST}:${this.#port}: ${error.message}`, { cause: error });
  }
}
