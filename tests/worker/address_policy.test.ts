import assert from "node:assert/strict";
import { blockReason, isPrivateAddress } from "../../lib/address_policy.ts";

// [address, why it is refused, or null when a check may connect to it]
const table: [string, string | null][] = [
  // Public addresses stay reachable.
  ["1.1.1.1", null],
  ["8.8.8.8", null],
  ["93.184.215.14", null],
  ["172.15.255.255", null],
  ["172.32.0.1", null],
  ["100.63.255.255", null],
  ["100.128.0.1", null],
  ["223.255.255.255", null],
  ["2606:4700::1111", null],
  ["2a00:1450:4001:82a::200e", null],
  ["::ffff:1.1.1.1", null],
  ["64:ff9b::808:808", null],
  ["2002:0101:0101::1", null],

  // IPv4 ranges.
  ["127.0.0.1", "a loopback address"],
  ["127.255.255.254", "a loopback address"],
  ["10.0.0.1", "a private address"],
  ["172.16.0.1", "a private address"],
  ["172.31.255.255", "a private address"],
  ["192.168.1.1", "a private address"],
  ["169.254.1.1", "a link-local address"],
  ["169.254.169.254", "the cloud metadata address"],
  ["100.64.0.1", "a carrier-grade NAT address"],
  ["100.100.100.200", "a carrier-grade NAT address"],
  ["0.0.0.0", "an unspecified address"],
  ["0.1.2.3", "an unspecified address"],
  ["192.0.0.192", "a reserved address"],
  ["192.0.2.10", "a documentation address"],
  ["198.18.0.1", "a benchmarking address"],
  ["224.0.0.1", "a multicast address"],
  ["239.255.255.250", "a multicast address"],
  ["240.0.0.1", "a reserved address"],
  ["255.255.255.255", "the broadcast address"],

  // IPv6 ranges.
  ["::1", "a loopback address"],
  ["[::1]", "a loopback address"],
  ["0:0:0:0:0:0:0:1", "a loopback address"],
  ["::", "an unspecified address"],
  ["fe80::1", "a link-local address"],
  ["fe80::1%eth0", "a link-local address"],
  ["fc00::1", "a unique-local address"],
  ["fd12:3456:789a::1", "a unique-local address"],
  ["fd00:ec2::254", "the cloud metadata address"],
  ["ff02::1", "a multicast address"],
  ["2001:db8::1", "a documentation address"],
  ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo tunnel address"],
  ["100::1", "a reserved address"],
  ["4000::1", "a reserved address"],

  // IPv6 forms that carry an IPv4 address are judged by it.
  ["::ffff:127.0.0.1", "a loopback address (IPv4-mapped)"],
  ["::ffff:7f00:1", "a loopback address (IPv4-mapped)"],
  ["::ffff:169.254.169.254", "the cloud metadata address (IPv4-mapped)"],
  ["::ffff:0:10.0.0.1", "a private address (IPv4-translated)"],
  ["64:ff9b::10.0.0.1", "a private address (NAT64)"],
  ["64:ff9b::7f00:1", "a loopback address (NAT64)"],
  ["64:ff9b:1::1", "a private NAT64 address"],
  ["2002:7f00:0001::1", "a loopback address (6to4)"],
  ["2002:a9fe:a9fe::", "the cloud metadata address (6to4)"],
  ["::127.0.0.1", "a loopback address (IPv4-compatible)"],
  ["::8.8.8.8", "a reserved address"],

  // Anything that is not an IP address is refused rather than guessed at.
  ["localhost", "not an IP address"],
  ["2130706433", "not an IP address"],
  ["127.1", "not an IP address"],
  ["1.2.3.256", "not an IP address"],
  ["1::2::3", "not an IP address"],
  ["1.2.3.4::", "not an IP address"],
  ["", "not an IP address"],
];

Deno.test("the address policy refuses every non-public range and allows public unicast", () => {
  // Comparing whole tables shows every wrong row at once in the diff.
  const actual = table.map(([address]) => [address, blockReason(address)]);
  assert.deepEqual(actual, table);
  for (const [address, reason] of table) {
    assert.equal(isPrivateAddress(address), reason !== null, address);
  }
});
