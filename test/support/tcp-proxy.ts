import { createServer, connect, type Socket } from "node:net";

/** A TCP proxy on 127.0.0.1 between the client under test and PostgreSQL, that can stall or cut the traffic. */
export interface TcpProxy {
  /** The port it listens on: point the client here. */
  readonly port: number;
  /** Stops forwarding in both directions; bytes are held, as by a stalled network, and new connections hang. */
  pause(): void;
  /** Forwards again, the held bytes first. */
  resume(): void;
  /** Resets every open connection (the client sees ECONNRESET). New connections are still accepted. */
  dropConnections(): void;
  /**
   * Once: when the client next sends bytes containing `marker` (e.g. `"COMMIT"`), they are delivered to the
   * server, which then sees the connection closed, and the client's side is reset before any answer
   * reaches it. Resolves when that happened.
   */
  dropAfterClientSends(marker: string): Promise<void>;
  /** How many connections are open through it. */
  readonly openConnections: number;
  /** Stops listening and resets every connection. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly server: Socket;
  readonly held: { to: Socket; chunk: Buffer }[];
}

/** Starts a {@link TcpProxy} to `targetPort` on 127.0.0.1. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let paused = false;
  let dropOn: { marker: Buffer; done: () => void } | undefined;

  const drop = (pair: Pair): void => {
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.server.destroy();
  };

  const forward = (pair: Pair, to: Socket, chunk: Buffer): void => {
    if (paused) {
      pair.held.push({ to, chunk });
      return;
    }
    const trigger = dropOn;
    if (to === pair.server && trigger !== undefined && chunk.includes(trigger.marker)) {
      dropOn = undefined;
      pairs.delete(pair);
      pair.client.resetAndDestroy();
      pair.server.end(chunk);
      trigger.done();
      return;
    }
    to.write(chunk);
  };

  const listener = createServer((client) => {
    const server = connect(targetPort, "127.0.0.1");
    const pair: Pair = { client, server, held: [] };
    pairs.add(pair);
    client.on("data", (chunk) => forward(pair, server, chunk));
    server.on("data", (chunk) => forward(pair, client, chunk));
    const close = () => {
      if (pairs.has(pair)) drop(pair);
    };
    client.on("error", close).on("close", close);
    server.on("error", close).on("close", close);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", resolve);
  });
  const address = listener.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no TCP address");

  return {
    port: address.port,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const pair of pairs) for (const { to, chunk } of pair.held.splice(0)) forward(pair, to, chunk);
    },
    dropConnections() {
      for (const pair of [...pairs]) drop(pair);
    },
    dropAfterClientSends(marker) {
      return new Promise((resolve) => {
        dropOn = { marker: Buffer.from(marker), done: resolve };
      });
    },
    get openConnections() {
      return pairs.size;
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
