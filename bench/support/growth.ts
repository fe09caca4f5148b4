/**
 * How the system's cost grows with the check rate: a least-squares line through the CPU
 * (ms a second) measured at several rates. Its slope is what each further check costs; its
 * value at 0 checks/s, what running costs at all; and how far the points lie from it says
 * whether the cost grows linearly.
 */

export interface RatePoint {
  /** Checks a second. */
  rate: number;
  /** CPU ms a second at that rate. */
  msPerSecond: number;
}

export interface Line {
  /** CPU ms a second at 0 checks/s. */
  fixedMsPerSecond: number;
  /** CPU ms of each further check. */
  perCheckMs: number;
  /** The largest distance of a point from the line, in CPU ms a second. */
  furthestMsPerSecond: number;
}

/** The line through `points`; null without two different rates. */
export function fitLine(points: RatePoint[]): Line | null {
  if (new Set(points.map((p) => p.rate)).size < 2) return null;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const meanRate = mean(points.map((p) => p.rate));
  const meanMs = mean(points.map((p) => p.msPerSecond));
  let spread = 0, together = 0;
  for (const p of points) {
    spread += (p.rate - meanRate) ** 2;
    together += (p.rate - meanRate) * (p.msPerSecond - meanMs);
  }
  const perCheckMs = together / spread;
  const fixedMsPerSecond = meanMs - perCheckMs * meanRate;
  const furthestMsPerSecond = Math.max(
    ...points.map((p) => Math.abs(p.msPerSecond - fixedMsPerSecond - perCheckMs * p.rate)),
  );
  return { fixedMsPerSecond, perCheckMs, furthestMsPerSecond };
}
