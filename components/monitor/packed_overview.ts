/**
 * The monitors table's props in compact form. They travel in the page next to the rows
 * drawn from them, so they are sent as arrays rather than keyed objects: a page of 50 rows
 * with 1,500 checks is about a third of the size. `packOverview` runs on the server (the
 * `/app` route), `unpackOverview` in the island; each array's order is written once, in
 * the field lists below, which both follow. Imports only types, so the island can bundle it.
 */
import type {
  MonitorRow,
  Overview,
  RecentCheck,
  RegionStatus,
} from "../../services/websites/overview.ts";

/**
 * A check as packed: `at` is the gap to the previous check's (the first check's is epoch
 * ms); `up` is 1, 2 when up but degraded, or 0.
 */
interface CheckCells extends Omit<RecentCheck, "outcome" | "degraded"> {
  up: number;
}
type RowCells = Omit<MonitorRow, "regions" | "recent"> & {
  regions: ReturnType<typeof region.pack>[];
  recent: ReturnType<typeof check.pack>[];
};

/** The values of `T`'s fields `K`, in that order. */
type Cells<T, K extends readonly (keyof T)[]> = { -readonly [I in keyof K]: T[K[I]] };

/** The order of `T`'s fields in its array, which packing and unpacking both follow. */
function fieldOrder<T>() {
  return <const K extends readonly (keyof T)[]>(...fields: K) => ({
    pack: (value: T): Cells<T, K> => fields.map((field) => value[field]) as Cells<T, K>,
    unpack: (cells: Cells<T, K>): Pick<T, K[number]> => {
      const value: Partial<T> = {};
      fields.forEach((field, i) => value[field] = cells[i] as T[typeof field]);
      return value as Pick<T, K[number]>;
    },
  });
}

const region = fieldOrder<RegionStatus>()(
  "region",
  "state",
  "responseMs",
  "checkedAt",
  "degraded",
);
const check = fieldOrder<CheckCells>()(
  "at",
  "region",
  "up",
  "responseMs",
  "httpStatus",
  "errorKind",
);
const row = fieldOrder<RowCells>()(
  "id",
  "name",
  "url",
  "tags",
  "target",
  "active",
  "intervalSeconds",
  "status",
  "regions",
  "lastCheckedAt",
  "lastResponseMs",
  "timed",
  "uptime24h",
  "recent",
  "maintenanceUntil",
);

export type PackedOverview = Omit<Overview, "rows"> & { rows: ReturnType<typeof row.pack>[] };

/** The overview in the compact form the island's props take. */
export function packOverview(overview: Overview): PackedOverview {
  return {
    ...overview,
    rows: overview.rows.map((monitor) =>
      row.pack({
        ...monitor,
        regions: monitor.regions.map(region.pack),
        recent: monitor.recent.map((recent, i, all) =>
          check.pack({
            ...recent,
            at: i === 0 ? recent.at : recent.at - all[i - 1].at,
            up: recent.outcome === "up" ? recent.degraded ? 2 : 1 : 0,
          })
        ),
      })
    ),
  };
}

export function unpackOverview(packed: PackedOverview): Overview {
  return {
    ...packed,
    rows: packed.rows.map((cells) => {
      const monitor = row.unpack(cells);
      let at = 0;
      return {
        ...monitor,
        regions: monitor.regions.map(region.unpack),
        recent: monitor.recent.map((checkCells) => {
          const { at: gap, up, ...recent } = check.unpack(checkCells);
          return { ...recent, at: at += gap, outcome: up ? "up" : "down", degraded: up === 2 };
        }),
      };
    }),
  };
}
