/**
 * Repeating maintenance through the API: a window scheduled every week keeps its clock
 * time in its time zone across a change of daylight saving time, each repeat is a window
 * of its own, and a status page lists only the next one to come of a series.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";

const HOUR = 3_600_000;

Deno.test("a weekly window keeps 09:00 New York time across the change to summer time", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const website = await api.website.create.mutate({ url: "https://example.com/" });
    // Monday 8 March 2027, 09:00 in New York (14:00 UTC); the clocks change on the 14th.
    const startsAt = Date.parse("2027-03-08T14:00:00Z");
    const first = await api.maintenance.create.mutate({
      title: "Backups",
      startsAt,
      endsAt: startsAt + HOUR,
      websiteIds: [website.id],
      repeat: { every: "week", times: 3 },
      timeZone: "America/New_York",
    });
    assert.equal(first.startsAt, startsAt);
    const windows = (await api.maintenance.list.query()).filter((w) => w.title === "Backups");
    assert.deepEqual(
      windows.map((w) => [new Date(w.startsAt).toISOString(), new Date(w.endsAt).toISOString()]),
      [
        ["2027-03-08T14:00:00.000Z", "2027-03-08T15:00:00.000Z"],
        ["2027-03-15T13:00:00.000Z", "2027-03-15T14:00:00.000Z"],
        ["2027-03-22T13:00:00.000Z", "2027-03-22T14:00:00.000Z"],
      ],
      "09:00 to 10:00 New York time, every Monday",
    );
    assert.deepEqual(windows.map((w) => w.series && [w.series.every, w.series.index]), [
      ["week", 1],
      ["week", 2],
      ["week", 3],
    ]);
    assert.equal(new Set(windows.map((w) => w.series?.id)).size, 1, "one series");
    assert.ok(windows.every((w) => w.series?.size === 3 && w.state === "scheduled"));

    // Each is a window of its own: cancelling the second leaves the others.
    await api.maintenance.delete.mutate({ id: windows[1].id });
    const left = (await api.maintenance.list.query()).filter((w) => w.title === "Backups");
    assert.deepEqual(left.map((w) => w.series?.index), [1, 3]);

    // "Cancel this and later": from the one named on, not before.
    const daily = await api.maintenance.create.mutate({
      title: "Reindex",
      startsAt: Date.now() + HOUR,
      endsAt: Date.now() + 2 * HOUR,
      websiteIds: [website.id],
      repeat: { every: "day", times: 4 },
    });
    const reindex = () =>
      api.maintenance.list.query().then((all) => all.filter((w) => w.title === "Reindex"));
    assert.deepEqual(await api.maintenance.cancelRest.mutate({ id: (await reindex())[1].id }), {
      cancelled: 3,
    });
    assert.deepEqual((await reindex()).map((w) => w.id), [daily.id]);
    const single = await api.maintenance.create.mutate({
      title: "Once",
      startsAt: Date.now() + HOUR,
      endsAt: Date.now() + 2 * HOUR,
      websiteIds: [website.id],
    });
    assert.match(
      await errorMessage(api.maintenance.cancelRest.mutate({ id: single.id })),
      /BAD_REQUEST: id: this maintenance window does not repeat/,
    );

    const base = {
      title: "Bad",
      startsAt: Date.now() + HOUR,
      endsAt: Date.now() + 2 * HOUR,
      websiteIds: [website.id],
    };
    const refused = (input: Record<string, unknown>) =>
      errorMessage(api.maintenance.create.mutate({ ...base, ...input } as typeof base));
    assert.match(
      await refused({ endsAt: base.startsAt + 25 * HOUR, repeat: { every: "day", times: 2 } }),
      /BAD_REQUEST: endsAt: a window that repeats every day lasts at most a day/,
    );
    assert.match(
      await refused({ repeat: { every: "week", times: 13 } }),
      /repeat\.times: at most 12/,
    );
    assert.match(await refused({ repeat: { every: "month", times: 2 } }), /repeat\.every/);
    assert.match(
      await refused({ repeat: { every: "week", times: 2 }, timeZone: "Mars/Olympus" }),
      /timeZone: not a known time zone/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a status page lists the window in progress and the next of its series, not the rest", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const website = await api.website.create.mutate({ url: "https://example.com/", name: "API" });
    const page = await api.statusPage.create.mutate({
      slug: `acme-${crypto.randomUUID().slice(0, 8)}`,
      title: "Acme",
      websiteIds: [website.id],
    });
    await api.maintenance.create.mutate({
      title: "Nightly reindex",
      startsAt: Date.now(),
      endsAt: Date.now() + HOUR,
      websiteIds: [website.id],
      repeat: { every: "day", times: 5 },
    });
    const shown = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual(
      shown.maintenances.map((w) => [w.title, w.repeats, w.startsAt <= Date.now()]),
      [["Nightly reindex", "day", true], ["Nightly reindex", "day", false]],
      "the one in progress, then tomorrow's; not the three after",
    );
    assert.equal(shown.monitors[0].status, "maintenance");
    assert.equal((await api.maintenance.list.query()).length, 5, "the owner sees them all");
  } finally {
    await server.close();
  }
});
