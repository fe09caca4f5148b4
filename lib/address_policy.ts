/**
 * Which IP addresses a check may connect to when private targets are not allowed.
 *
 * The rule is an allowlist in spirit: an address is refused when it is anything but
 * ordinary public unicast. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64,
 * 6to4) are judged by the address they carry, so `::ffff:127.0.0.1` is loopback.
 *
 * ```ts
 * blockReason("169.254.169.254"); // "the cloud metadata address"
 * blockReason("1.1.1.1"); // null
 * isPrivateAddress("::1"); // true
 * ```
 */

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

type Rule = readonly [network: bigint, prefixLength: number, reason: string];

// Order matters: the first matching rule names the reason, so the narrow
// metadata entries come before the ranges that contain them.
const ipv4Rules: readonly Rule[] = [
  v4("169.254.169.254", 32, "the cloud metadata address"),
  v4("255.255.255.255", 32, "the broadcast address"),
  v4("0.0.0.0", 8, "an unspecified address"),
  v4("10.0.0.0", 8, "a private address"),
  v4("100.64.0.0", 10, "a carrier-grade NAT address"),
  v4("127.0.0.0", 8, "a loopback address"),
  v4("169.254.0.0", 16, "a link-local address"),
  v4("172.16.0.0", 12, "a private address"),
  // 192.0.0.0/24 holds protocol assignments and, at .192, Oracle Cloud's metadata.
  v4("192.0.0.0", 24, "a reserved address"),
  v4("192.0.2.0", 24, "a documentation address"),
  v4("192.88.99.0", 24, "a reserved address"),
  v4("192.168.0.0", 16, "a private address"),
  v4("198.18.0.0", 15, "a benchmarking address"),
  v4("198.51.100.0", 24, "a documentation address"),
  v4("203.0.113.0", 24, "a documentation address"),
  v4("224.0.0.0", 4, "a multicast address"),
  v4("240.0.0.0", 4, "a reserved address"),
];

const ipv6Rules: readonly Rule[] = [
  v6("::", 128, "an unspecified address"),
  v6("::1", 128, "a loopback address"),
  v6("fd00:ec2::254", 128, "the cloud metadata address"),
  v6("64:ff9b:1::", 48, "a private NAT64 address"),
  v6("100::", 64, "a reserved address"),
  // Teredo hides the client address behind a bit flip; no monitor target lives there.
  v6("2001::", 32, "a Teredo tunnel address"),
  v6("2001:2::", 48, "a benchmarking address"),
  v6("2001:db8::", 32, "a documentation address"),
  v6("fc00::", 7, "a unique-local address"),
  v6("fe80::", 10, "a link-local address"),
  v6("fec0::", 10, "a site-local address"),
  v6("ff00::", 8, "a multicast address"),
];

// IPv6 prefixes whose low bits (or, for 6to4, bits 16..48) are an IPv4 address that
// the packet finally reaches.
const embeddedV4Prefixes: readonly (readonly [bigint, number, string])[] = [
  [parseIpv6("::ffff:0:0")!, 96, "IPv4-mapped"],
  [parseIpv6("::ffff:0:0:0")!, 96, "IPv4-translated"],
  [parseIpv6("64:ff9b::")!, 96, "NAT64"],
  [parseIpv6("::")!, 96, "IPv4-compatible"],
];
const sixToFour = parseIpv6("2002::")!;
const globalUnicast = parseIpv6("2000::")!;

/**
 * Why a check must not connect to `ip`, or null when it may. Text that is not an IP
 * address is refused, so a parsing gap can never open a hole.
 */
export function blockReason(ip: string): string | null {
  const address = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const v4value = parseIpv4(address);
  if (v4value !== null) return match(ipv4Rules, v4value, 32);

  const v6value = parseIpv6(address);
  if (v6value === null) return "not an IP address";
  const direct = match(ipv6Rules, v6value, 128);
  if (direct) return direct;

  for (const [network, length, form] of embeddedV4Prefixes) {
    if (inPrefix(v6value, network, length, 128)) {
      const reason = match(ipv4Rules, v6value & 0xffffffffn, 32);
      if (reason) return `${reason} (${form})`;
      // Deprecated IPv4-compatible addresses are not routed anywhere legitimate.
      return form === "IPv4-compatible" ? "a reserved address" : null;
    }
  }
  if (inPrefix(v6value, sixToFour, 16, 128)) {
    const reason = match(ipv4Rules, (v6value >> 80n) & 0xffffffffn, 32);
    return reason ? `${reason} (6to4)` : null;
  }
  // Outside 2000::/3 nothing is assigned for public use today.
  return inPrefix(v6value, globalUnicast, 3, 128) ? null : "a reserved address";
}

/** True when a check must not connect to `ip` (loopback, private, metadata, ...). */
export function isPrivateAddress(ip: string): boolean {
  return blockReason(ip) !== null;
}

/** 4 or 6 for an IP literal (brackets allowed), 0 for anything else such as a hostname. */
export function ipVersion(text: string): 0 | 4 | 6 {
  const address = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (ipv4Number(address) !== null) return 4;
  return parseIpv6(address) !== null ? 6 : 0;
}

function match(rules: readonly Rule[], value: bigint, bits: number): string | null {
  for (const [network, length, reason] of rules) {
    if (inPrefix(value, network, length, bits)) return reason;
  }
  return null;
}

function inPrefix(value: bigint, network: bigint, length: number, bits: number): boolean {
  const shift = BigInt(bits - length);
  return value >> shift === network >> shift;
}

/** Strict dotted quad only; URL parsing has already turned `2130706433` into one. */
function parseIpv4(text: string): bigint | null {
  const value = ipv4Number(text);
  return value === null ? null : BigInt(value);
}

/**
 * {@link parseIpv4} as a plain number: a check asks for an address's version several
 * times, and BigInt arithmetic made that a few percent of a check's own work.
 */
function ipv4Number(text: string): number | null {
  const parts = DOTTED_QUAD.exec(text);
  if (!parts) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(parts[i]);
    if (part > 255) return null;
    value = value * 256 + part;
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (!text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  // A dotted quad may only end the whole address, never precede `::`.
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [
    ...head,
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail,
  ];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** Hex groups of one side of `::`; a trailing dotted quad counts as two groups. */
function groupsOf(text: string, dottedEnd: boolean): number[] | null {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (dottedEnd && index === parts.length - 1 && part.includes(".")) {
      const v4value = ipv4Number(part);
      if (v4value === null) return null;
      groups.push(Math.floor(v4value / 0x10000), v4value % 0x10000);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function v4(address: string, length: number, reason: string): Rule {
  return [parseIpv4(address)!, length, reason];
}

function v6(address: string, length: number, reason: string): Rule {
  return [parseIpv6(address)!, length, reason];
}
