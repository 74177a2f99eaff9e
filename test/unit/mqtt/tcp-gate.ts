/**
 * A TCP forwarder between the publisher and mosquitto. Closing the gate cuts
 * the publisher off (and keeps it off) while test subscribers talk to the
 * broker directly, so a test decides exactly when the publisher gets back in:
 * no race between "subscriber ready" and "publisher reconnected".
 */
import net from 'node:net';

export class TcpGate {
  #open = false;
  readonly #sockets = new Set<net.Socket>();
  readonly #server = net.createServer((client) => this.#accept(client));

  constructor(readonly targetPort: number) {}

  /** Listens on a free loopback port; the gate starts closed. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as net.AddressInfo).port;
  }

  open(): void {
    this.#open = true;
  }

  /** Drops every forwarded connection and refuses new ones until open(). */
  close(): void {
    this.#open = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  async dispose(): Promise<void> {
    this.close();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #accept(client: net.Socket): void {
    if (!this.#open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}
