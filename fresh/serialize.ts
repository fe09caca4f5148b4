/**
 * Island props on their way to the browser: JSON plus Dates, URLs, Maps, Sets, bigints,
 * undefined, non-finite numbers and `@preact/signals` signals. A signal is sent once and
 * referenced by id, so a signal passed to two islands is one signal in the browser.
 *
 * Used on both sides: the server encodes, the client runtime decodes.
 */
import { isValidElement } from "preact";
import { Signal, signal } from "@preact/signals";

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

// Special values are objects tagged with this key; a user object that has the key
// itself is wrapped, so nothing a page passes can be mistaken for a special value.
const TAG = "$$f";

/** Encodes props of every island on one page, sharing one table of signals. */
export class PropsEncoder {
  readonly signals: Encoded[] = [];
  #signalIds = new Map<Signal, number>();
  #island = "";
  #stack = new Set<object>();

  /** Encodes one island's props; throws an error naming the island and prop it rejects. */
  encode(island: string, props: Record<string, unknown>): Encoded {
    this.#island = island;
    const out: Record<string, Encoded> = {};
    for (const [key, value] of Object.entries(props)) out[key] = this.#value(value, key);
    return out;
  }

  #fail(path: string, why: string): never {
    throw new Error(`Island "${this.#island}" cannot receive prop "${path}": ${why}`);
  }

  #value(value: unknown, path: string): Encoded {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return encodeNumber(value);
      case "undefined":
        return { [TAG]: "u" };
      case "bigint":
        return { [TAG]: "b", v: value.toString() };
      case "function":
        return this.#fail(
          path,
          "functions cannot be sent to the browser. Define the function inside the island " +
            "and pass it data instead.",
        );
      case "symbol":
        return this.#fail(path, "symbols cannot be sent to the browser.");
    }
    if (value === null) return null;
    const object = value as object;
    if (object instanceof Signal) return { [TAG]: "s", i: this.#signal(object, path) };
    if (object instanceof Date) return { [TAG]: "D", v: encodeNumber(object.getTime()) };
    if (object instanceof URL) return { [TAG]: "U", v: object.href };
    if (isValidElement(object)) {
      return this.#fail(path, "JSX can only be passed to an island as its children.");
    }
    if (this.#stack.has(object)) return this.#fail(path, "it contains a circular reference.");
    this.#stack.add(object);
    try {
      if (Array.isArray(object)) return object.map((v, i) => this.#value(v, `${path}[${i}]`));
      if (object instanceof Map) {
        return {
          [TAG]: "M",
          v: [...object].map(([k, v], i) => [
            this.#value(k, `${path}<key ${i}>`),
            this.#value(v, `${path}<value ${i}>`),
          ]),
        };
      }
      if (object instanceof Set) {
        return { [TAG]: "S", v: [...object].map((v, i) => this.#value(v, `${path}<${i}>`)) };
      }
      const proto = Object.getPrototypeOf(object);
      if (proto !== Object.prototype && proto !== null) {
        const name = proto?.constructor?.name ?? "object";
        return this.#fail(path, `a ${name} instance cannot be sent; pass plain data instead.`);
      }
      const out: Record<string, Encoded> = {};
      for (const [k, v] of Object.entries(object)) out[k] = this.#value(v, `${path}.${k}`);
      return TAG in out ? { [TAG]: "o", v: out } : out;
    } finally {
      this.#stack.delete(object);
    }
  }

  #signal(sig: Signal, path: string): number {
    let id = this.#signalIds.get(sig);
    if (id === undefined) {
      id = this.signals.length;
      this.#signalIds.set(sig, id);
      this.signals.push(null);
      // peek(): reading .value here would subscribe the rendering component on the server.
      this.signals[id] = this.#value(sig.peek(), `${path}.value`);
    }
    return id;
  }
}

function encodeNumber(n: number): Encoded {
  if (Number.isFinite(n) && !Object.is(n, -0)) return n;
  return { [TAG]: "n", v: Object.is(n, -0) ? "-0" : String(n) };
}

/** Decodes the values of one page: signals first, then each island's props. */
export function createDecoder(signals: Encoded[]): (value: Encoded) => unknown {
  const live = signals.map(() => signal<unknown>(undefined));
  const decode = (value: Encoded): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(decode);
    const tag = value[TAG];
    if (tag === undefined) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = decode(v);
      return out;
    }
    const v = value.v;
    switch (tag) {
      case "u":
        return undefined;
      case "n":
        return v === "-0" ? -0 : Number(v);
      case "b":
        return BigInt(v as string);
      case "D":
        return new Date(decode(v) as number);
      case "U":
        return new URL(v as string);
      case "M":
        return new Map((v as Encoded[][]).map(([k, x]) => [decode(k), decode(x)]));
      case "S":
        return new Set((v as Encoded[]).map(decode));
      case "s":
        return live[value.i as number];
      case "o": {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, Encoded>)) out[k] = decode(x);
        return out;
      }
    }
    throw new Error(`Unknown serialised value tag ${JSON.stringify(tag)}`);
  };
  // Values go in after every signal exists, so a signal may hold another signal.
  signals.forEach((encoded, i) => live[i].value = decode(encoded));
  return decode;
}
