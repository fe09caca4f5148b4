/**
 * A small authoritative DNS server on 127.0.0.1 (UDP, RFC 1035), answering TXT, CNAME,
 * A, AAAA, MX, NS and CAA queries from a zone the test edits as it goes (MX as
 * "10 mail.example.com", CAA as "0 issue letsencrypt.org"); a name marked `silent` gets no
 * answer at all, as from a server that is down. Point the app at it with
 * `DNS_NAMESERVER` (`dns.env`); `Deno.resolveDns` then asks it for real.
 *
 * ```ts
 * const dns = await startDnsServer();
 * dns.zone.set("_uptime.status.acme.com", { TXT: ["token"] });
 * ```
 */
import dgram from "node:dgram";
import { Buffer } from "node:buffer";

export interface ZoneEntry {
  TXT?: string[];
  CNAME?: string;
  A?: string[];
  AAAA?: string[];
  MX?: string[];
  NS?: string[];
  CAA?: string[];
  silent?: true;
}
type RecordType = Exclude<keyof ZoneEntry, "silent">;

const TYPES: Record<number, RecordType> = {
  1: "A",
  2: "NS",
  5: "CNAME",
  15: "MX",
  16: "TXT",
  28: "AAAA",
  257: "CAA",
};
const CODES: Record<RecordType, number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  CAA: 257,
};

export async function startDnsServer() {
  const zone = new Map<string, ZoneEntry>();
  const queries: string[] = [];
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message: Buffer, peer: { address: string; port: number }) => {
    try {
      const reply = answer(message, zone, queries);
      if (reply) socket.send(reply, peer.port, peer.address);
    } catch {
      // A malformed query gets no answer, as from a real server.
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = socket.address().port;
  return {
    zone,
    /** `name TYPE` of every query, in order. */
    queries,
    port,
    env: { DNS_NAMESERVER: `127.0.0.1:${port}` },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answer(query: Buffer, zone: Map<string, ZoneEntry>, log: string[]): Buffer | null {
  const id = query.readUInt16BE(0);
  const flags = query.readUInt16BE(2);
  let offset = 12;
  const labels: string[] = [];
  while (query[offset] !== 0) {
    const length = query[offset];
    labels.push(query.subarray(offset + 1, offset + 1 + length).toString("ascii"));
    offset += length + 1;
  }
  offset += 1;
  const qtype = query.readUInt16BE(offset);
  const question = query.subarray(12, offset + 4);
  const name = labels.join(".").toLowerCase();
  const type = TYPES[qtype];
  log.push(`${name} ${type ?? qtype}`);

  const records: Buffer[] = [];
  const entry = zone.get(name);
  if (entry?.silent) return null;
  if (entry && type) {
    if (type !== "CNAME" && entry.CNAME) {
      records.push(record(pointer(), CODES.CNAME, encodeName(entry.CNAME)));
      const target = zone.get(entry.CNAME.toLowerCase().replace(/\.$/, ""));
      for (const value of (target?.[type] as string[] | undefined) ?? []) {
        records.push(record(encodeName(entry.CNAME), qtype, rdata(type, value)));
      }
    } else {
      const values = entry[type];
      for (const value of Array.isArray(values) ? values : values ? [values] : []) {
        records.push(record(pointer(), qtype, rdata(type, value)));
      }
    }
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  // QR, the query's RD, RA; NXDOMAIN for names the zone does not hold.
  header.writeUInt16BE(0x8000 | (flags & 0x0100) | 0x0080 | (entry ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, question, ...records]);
}

const pointer = () => Buffer.from([0xc0, 0x0c]);

function record(name: Buffer, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(0, 4); // TTL 0: nothing may cache what the test changes next
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([name, fixed, data]);
}

function rdata(type: RecordType, value: string): Buffer {
  switch (type) {
    case "NS":
      return encodeName(value);
    case "MX": {
      const [preference, exchange] = value.split(" ");
      const head = Buffer.alloc(2);
      head.writeUInt16BE(Number(preference));
      return Buffer.concat([head, encodeName(exchange)]);
    }
    case "CAA": {
      const [flags, tag, ...rest] = value.split(" ");
      const tagBytes = Buffer.from(tag, "ascii");
      return Buffer.concat([
        Buffer.from([Number(flags), tagBytes.length]),
        tagBytes,
        Buffer.from(rest.join(" "), "utf8"),
      ]);
    }
    case "TXT": {
      const bytes = Buffer.from(value, "utf8");
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    }
    case "CNAME":
      return encodeName(value);
    case "A":
      return Buffer.from(value.split(".").map(Number));
    case "AAAA":
      return ipv6(value);
  }
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, "").split(".").map((label) => {
    const bytes = Buffer.from(label, "ascii");
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function ipv6(address: string): Buffer {
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
