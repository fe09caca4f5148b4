/**
 * The one thing the HTTP/1.1 client needs from a connection: read into a buffer, write,
 * close. `Deno.Conn` already is one; {@link fromNodeSocket} makes one of a node:tls
 * socket (the TLS path uses node:tls for the peer certificate and ALPN).
 */
import type { Socket } from "node:net";

export interface ByteStream {
  /** Bytes read into `buffer`, or null at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Bytes written (at least one). */
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

/** Adapts a connected node socket; reads pause the socket while unread data waits. */
export function fromNodeSocket(socket: Socket): ByteStream {
  const queue: Uint8Array[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  socket.on("data", (chunk: Uint8Array) => {
    queue.push(chunk);
    socket.pause();
    notify();
  });
  socket.on("end", () => {
    ended = true;
    notify();
  });
  socket.on("close", () => {
    ended = true;
    notify();
  });
  socket.on("error", (error: Error) => {
    failure = error;
    notify();
  });
  socket.resume();

  return {
    async read(buffer) {
      while (queue.length === 0) {
        if (failure) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => wake = resolve);
      }
      const head = queue[0];
      const size = Math.min(head.length, buffer.length);
      buffer.set(head.subarray(0, size));
      if (size === head.length) queue.shift();
      else queue[0] = head.subarray(size);
      if (queue.length === 0 && !ended) socket.resume();
      return size;
    },
    write(bytes) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        socket.write(bytes, (error) => error ? reject(error) : resolve(bytes.length));
      });
    },
    close() {
      socket.destroy();
    },
  };
}
