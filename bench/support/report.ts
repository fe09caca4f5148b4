/** Printing and timing for the benchmarks. */

/** Prints a titled table of figures, labels aligned. */
export function report(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}${value}`);
}

/** Wall time of `work`, in ms. */
export async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
