/**
 * Maintenance windows through the API, against real Postgres, Redis and ClickHouse: a
 * monitor in a window opens no incident (so no alert goes out) and opens one, dated from
 * the window's end, when it is still down after; status pages say "Under maintenance"
 * and list what is planned; bad windows are refused with the field that is wrong.
 */
import assert from "node:assert/strict";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";
import { checkRow } from "../helpers/incidents.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";

const HOUR = 3_600_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

Deno.test("a monitor in maintenance opens no incident, and one still down after it opens one from its end", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const website = await api.website.create.mutate({
      url: "https://example.com/",
      name: "API",
      confirmations: 2,
      quorum: "any",
    });
    const region = website.regions[0];
    const evaluate = (at: number, up = false) =>
      evaluateStoredResults(server.services.sql, [checkRow(website.id, region, at, up)]);
    const incidents = async () => (await api.incident.list.query()).incidents;

    const window = await api.maintenance.create.mutate({
      title: "Database upgrade",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [website.id],
    });
    assert.equal(window.state, "in-progress");
    // It began ten minutes ago (the API takes no start in the past).
    await server.services.sql`update maintenances
      set starts_at = starts_at - interval '10 minutes' where id = ${window.id}`;
    const now = seconds(Date.now());
    for (const at of [now - 300, now - 240, now - 180, now - 120]) await evaluate(at);
    assert.deepEqual(await incidents(), [], "down four times in a row, but under maintenance");

    const ended = await api.maintenance.end.mutate({ id: window.id });
    assert.equal(ended.state, "completed");
    assert.ok(ended.endsAt <= Date.now() && ended.endsAt > window.startsAt - 10 * 60_000);
    // Passing its first check after the window: on its way back, not newly down.
    const after = seconds(Date.now()) + 5;
    await evaluate(after, true);
    assert.deepEqual(await incidents(), []);
    // Failing again: down, and dated from the window's end.
    await evaluate(after + 1);
    const [incident] = await incidents();
    assert.ok(incident, "still down after the window: an incident opens at once");
    assert.equal(
      incident.startedAt,
      ended.endsAt,
      "dated from the end, not from the first failure",
    );
    const outbox = await server.services.sql`select id from incident_outbox`;
    assert.deepEqual(outbox.map((r) => r.id), [`${incident.id}:opened`], "one alert, after it");

    // An incident already open when a window starts still resolves, and says so.
    await api.maintenance.create.mutate({
      title: "Second",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [website.id],
    });
    const later = after + 10;
    await evaluate(later, true);
    await evaluate(later + 1, true);
    assert.notEqual((await incidents())[0].resolvedAt, null);
  } finally {
    await server.close();
  }
});

Deno.test("a window still to come changes nothing yet, and bad windows are refused by field", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const other = await server.user("other");
    const website = await api.website.create.mutate({
      url: "https://example.com/",
      confirmations: 1,
      quorum: "any",
    });
    const soon = await api.maintenance.create.mutate({
      title: "  Tomorrow  ",
      message: "We move racks.",
      startsAt: Date.now() + HOUR,
      endsAt: Date.now() + 2 * HOUR,
      websiteIds: [website.id],
    });
    assert.deepEqual([soon.title, soon.state], ["Tomorrow", "scheduled"]);
    await evaluateStoredResults(server.services.sql, [
      checkRow(website.id, website.regions[0], seconds(Date.now()), false),
    ]);
    assert.equal((await api.incident.list.query()).incidents.length, 1, "not in maintenance yet");
    assert.equal(await errorCode(api.maintenance.end.mutate({ id: soon.id })), "CONFLICT");

    const base = {
      title: "Window",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [website.id],
    };
    const refused = async (input: Record<string, unknown>) =>
      await errorMessage(api.maintenance.create.mutate({ ...base, ...input } as typeof base));
    assert.match(
      await refused({ endsAt: base.startsAt - 1 }),
      /BAD_REQUEST: .*endsAt: must be after the start/,
    );
    assert.match(
      await refused({ startsAt: Date.now() - 2 * HOUR, endsAt: Date.now() - HOUR }),
      /BAD_REQUEST: endsAt: must be in the future/,
    );
    assert.match(await refused({ endsAt: base.startsAt + 32 * 24 * HOUR }), /at most 31 days/);
    assert.match(
      await refused({ startsAt: Date.now() - HOUR }),
      /BAD_REQUEST: startsAt: must not be in the past/,
    );
    assert.match(await refused({ websiteIds: [] }), /websiteIds: choose at least one monitor/);
    assert.match(await refused({ title: " " }), /title: must not be empty/);
    assert.match(await refused({ startsAt: "tomorrow" }), /startsAt: must be a time/);
    // A misspelt field is named, not ignored: in a window, its repeat, a change, an id.
    assert.match(await refused({ titel: "x" }), /^BAD_REQUEST: .*Unrecognized key: "titel"/);
    assert.match(
      await refused({ repeat: { every: "day", times: 2, at: "09:00" } }),
      /^BAD_REQUEST: .*repeat: Unrecognized key: "at"/,
    );
    assert.match(
      await errorMessage(
        // deno-lint-ignore no-explicit-any
        api.maintenance.update.mutate({ ...base, id: soon.id, timeZone: "UTC" } as any),
      ),
      /^BAD_REQUEST: .*Unrecognized key: "timeZone"/,
    );
    assert.match(
      // deno-lint-ignore no-explicit-any
      await errorMessage(api.maintenance.delete.mutate({ id: soon.id, force: true } as any)),
      /^BAD_REQUEST: .*Unrecognized key: "force"/,
    );
    // Past what a date is written in: a clear refusal, not a server error.
    for (const far of [1e16, 253_402_300_800_000]) {
      assert.match(
        await refused({ startsAt: far, endsAt: far + HOUR }),
        /BAD_REQUEST: .*startsAt: must be a time before the year 10000/,
      );
    }
    // Another user's monitor is as unknown as none.
    assert.equal(
      await errorCode(other.api.maintenance.create.mutate({ ...base, websiteIds: [website.id] })),
      "NOT_FOUND",
    );

    const now = await api.maintenance.create.mutate(base);
    assert.deepEqual(
      (await api.maintenance.list.query()).map((w) => [w.title, w.state]),
      [["Window", "in-progress"], ["Tomorrow", "scheduled"]],
    );
    await api.maintenance.end.mutate({ id: now.id });
    await api.maintenance.delete.mutate({ id: soon.id });
    assert.deepEqual(
      (await api.maintenance.list.query()).map((w) => [w.title, w.state]),
      [["Window", "completed"]],
    );
    assert.equal(await errorCode(api.maintenance.delete.mutate({ id: soon.id })), "NOT_FOUND");
  } finally {
    await server.close();
  }
});

Deno.test("a window changes until it ends: a scheduled one in full, one in progress all but its start", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const other = await server.user("other");
    const create = (name: string) =>
      api.website.create.mutate({ url: `https://${name}.example.com/`, name, confirmations: 1 });
    const [a, b] = [await create("a"), await create("b")];
    const soon = await api.maintenance.create.mutate({
      title: "Racks",
      startsAt: Date.now() + HOUR,
      endsAt: Date.now() + 2 * HOUR,
      websiteIds: [a.id],
    });
    const later = { startsAt: Date.now() + 3 * HOUR, endsAt: Date.now() + 5 * HOUR };
    const moved = await api.maintenance.update.mutate({
      id: soon.id,
      title: " Racks, moved ",
      message: "Two hours later.",
      ...later,
      websiteIds: [b.id, a.id],
    });
    assert.deepEqual(
      [moved.title, moved.message, moved.startsAt, moved.endsAt, moved.state, moved.websiteIds],
      [
        "Racks, moved",
        "Two hours later.",
        later.startsAt,
        later.endsAt,
        "scheduled",
        [
          a.id,
          b.id,
        ].sort(),
      ],
    );
    assert.deepEqual(await api.maintenance.list.query(), [moved]);

    // In progress: the monitors and the end change, the start does not.
    const now = await api.maintenance.create.mutate({
      title: "Deploy",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [a.id],
    });
    const edit = { id: now.id, title: "Deploy", endsAt: now.endsAt + HOUR, websiteIds: [b.id] };
    const changed = await api.maintenance.update.mutate(edit);
    assert.deepEqual(
      [changed.startsAt, changed.endsAt, changed.state, changed.websiteIds],
      [now.startsAt, now.endsAt + HOUR, "in-progress", [b.id]],
    );
    assert.equal(
      (await api.maintenance.update.mutate({ ...edit, startsAt: now.startsAt })).startsAt,
      now.startsAt,
      "its own start, sent back, is no change",
    );
    assert.match(
      await errorMessage(api.maintenance.update.mutate({ ...edit, startsAt: Date.now() + HOUR })),
      /BAD_REQUEST: startsAt: this window has started/,
    );
    // Taken out of the window, a monitor alerts again; the one put in does not (a slot
    // after the window's start, which has milliseconds).
    const down = (website: typeof a) =>
      evaluateStoredResults(server.services.sql, [
        checkRow(website.id, website.regions[0], seconds(Date.now()) + 2, false),
      ]);
    await down(a);
    await down(b);
    const { incidents } = await api.incident.list.query();
    assert.deepEqual(incidents.map((i) => i.websiteId), [a.id]);

    const refused = (input: Partial<typeof edit> & { startsAt?: number }) =>
      errorMessage(api.maintenance.update.mutate({ ...edit, ...input }));
    assert.match(await refused({ endsAt: Date.now() - 1_000 }), /endsAt: must be in the future/);
    assert.match(
      await refused({ id: soon.id, startsAt: Date.now() - HOUR }),
      /startsAt: must not be in the past/,
    );
    assert.match(
      await refused({ id: soon.id, endsAt: later.startsAt + 32 * 24 * HOUR }),
      /at most 31 days/,
    );
    // Without a start, the end is weighed against the one it has.
    assert.match(
      await refused({ id: soon.id, endsAt: later.startsAt - 1 }),
      /endsAt: must be after the start/,
    );
    assert.match(await refused({ websiteIds: [] }), /choose at least one monitor/);
    assert.equal(
      await errorCode(other.api.maintenance.update.mutate(edit)),
      "NOT_FOUND",
      "another user's window is as unknown as none",
    );
    const theirs = await other.api.website.create.mutate({ url: "https://theirs.example.com/" });
    assert.equal(
      await errorCode(api.maintenance.update.mutate({ ...edit, websiteIds: [theirs.id] })),
      "NOT_FOUND",
    );
    await api.maintenance.end.mutate({ id: now.id });
    assert.equal(await errorCode(api.maintenance.update.mutate(edit)), "CONFLICT");
    assert.equal(
      (await api.maintenance.list.query()).find((w) => w.id === now.id)?.websiteIds[0],
      b.id,
      "a refused change changes nothing",
    );
  } finally {
    await server.close();
  }
});

Deno.test("status pages say under maintenance, list what is planned, and escape it", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const [a, b] = [
      await api.website.create.mutate({
        url: "https://a.example.com/",
        name: "<script>alert(1)</script>",
      }),
      await api.website.create.mutate({ url: "https://b.example.com/", name: "Billing" }),
    ];
    const page = await api.statusPage.create.mutate({
      slug: `acme-${crypto.randomUUID().slice(0, 8)}`,
      title: "Acme",
      websiteIds: [a.id, b.id],
    });
    const before = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual([before.overall, before.maintenances], ["nodata", []]);

    // Created after the page was cached: the page is drawn again at once.
    const now = await api.maintenance.create.mutate({
      title: '<img src=x onerror="alert(1)">',
      message: "Upgrading the database.",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [a.id],
    });
    await api.maintenance.create.mutate({
      title: "Billing move",
      startsAt: Date.now() + 24 * HOUR,
      endsAt: Date.now() + 25 * HOUR,
      websiteIds: [b.id],
    });
    const during = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual(during.monitors.map((m) => m.status), ["maintenance", "nodata"]);
    assert.equal(during.overall, "maintenance");
    assert.deepEqual(
      during.maintenances.map((w) => [w.title, w.message, w.monitors]),
      [
        ['<img src=x onerror="alert(1)">', "Upgrading the database.", [
          "<script>alert(1)</script>",
        ]],
        ["Billing move", "", ["Billing"]],
      ],
    );

    const html = await (await fetch(`${server.url}/status/${page.slug}`)).text();
    assert.match(html, /Under maintenance/);
    assert.match(html, /In progress/);
    assert.match(html, /Scheduled/);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;(&gt;|>)/);
    assert.doesNotMatch(html, /<img src=x|<script>alert/);
    const badge = await (await fetch(`${server.url}/status/${page.slug}/badge.svg`)).text();
    assert.match(badge, /under maintenance/);

    await api.maintenance.end.mutate({ id: now.id });
    const after = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual(after.monitors.map((m) => m.status), ["nodata", "nodata"]);
    assert.deepEqual(after.maintenances.map((w) => w.title), ["Billing move"]);
  } finally {
    await server.close();
  }
});
