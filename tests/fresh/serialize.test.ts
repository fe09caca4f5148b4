import assert from "node:assert/strict";
import { Signal, signal } from "@preact/signals";
import { h } from "preact";
import { createDecoder, PropsEncoder } from "../../fresh/serialize.ts";

function roundTrip(props: Record<string, unknown>) {
  const encoder = new PropsEncoder();
  const encoded = JSON.parse(JSON.stringify(encoder.encode("Test", props)));
  const decode = createDecoder(JSON.parse(JSON.stringify(encoder.signals)));
  return decode(encoded) as Record<string, unknown>;
}

Deno.test("JSON values, Dates, URLs, Maps, Sets, bigints and odd numbers survive", () => {
  const props = {
    text: "a</script>b",
    list: [1, null, true, { nested: "yes" }],
    when: new Date("2024-01-02T03:04:05.006Z"),
    url: new URL("https://example.com/x?y=1"),
    map: new Map([["a", 1]]),
    set: new Set([1, 2]),
    big: 12345678901234567890n,
    nothing: undefined,
    nan: NaN,
    inf: -Infinity,
    negZero: -0,
    tagged: { $$f: "not special" },
  };
  assert.deepEqual(roundTrip(props), props);
});

Deno.test("a signal passed twice decodes to one shared signal", () => {
  const count = signal(5);
  const encoder = new PropsEncoder();
  const first = encoder.encode("A", { count });
  const second = encoder.encode("B", { value: count, other: signal("x") });
  assert.equal(encoder.signals.length, 2);
  const decode = createDecoder(encoder.signals);
  const a = decode(first) as { count: Signal<number> };
  const b = decode(second) as { value: Signal<number> };
  assert.ok(a.count instanceof Signal);
  assert.equal(a.count, b.value);
  a.count.value = 6;
  assert.equal(b.value.value, 6);
});

Deno.test("a function prop is refused with the island and prop named", () => {
  const encoder = new PropsEncoder();
  assert.throws(
    () => encoder.encode("Picker", { options: [{ onPick() {} }] }),
    /Island "Picker" cannot receive prop "options\[0\]\.onPick": functions cannot be sent/,
  );
});

Deno.test("JSX outside children, class instances and cycles are refused", () => {
  const encoder = new PropsEncoder();
  assert.throws(() => encoder.encode("I", { icon: h("b", null) }), /"icon": JSX can only/);
  assert.throws(() => encoder.encode("I", { x: new (class Thing {})() }), /Thing instance/);
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  assert.throws(() => encoder.encode("I", { loop }), /circular/);
});
