/**
 * A small authoritative DNS server on 127.0.0.1 (UDP, RFC 1035), answering TXT, CNAME,
 * A and AAAA queries from a zone the test edits as it goes. Point the app at it with
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
}

const TYPES: Record<number, keyof ZoneEntry> = { 1: "A", 5: "CNAME", 16: "TXT", 28: "AAAA" };
const CODES: Record<keyof ZoneEntry, number> = { A: 1, CNAME: 5, TXT: 16, AAAA: 28 };

export async function startDnsServer() {
  const zone = new Map<string, ZoneEntry>();
  const queries: string[] = [];
  const socket = dgram.createSocket("udp4");
  socket.on("message", (message: Buffer, peer: { address: string; port: number }) => {
    try {
      socket.send(answer(message, zone, queries), peer.port, peer.address);
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

function answer(query: Buffer, zone: Map<string, ZoneEntry>, log: string[]): Buffer {
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

function rdata(type: keyof ZoneEntry, value: string): Buffer {
  switch (type) {
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
