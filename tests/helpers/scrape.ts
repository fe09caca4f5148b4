/**
 * Reads a `/metrics` page as Prometheus would (text format 0.0.4) and fails on anything
 * it would reject: a sample line that does not parse, a sample of a family without a
 * `# TYPE`, a histogram whose buckets are not cumulative or lack `+Inf`.
 * (npm's parse-prometheus-text-format drops the labels of labelled histograms.)
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*",?)*)\})? (\S+)( -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parseMetrics(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      if (!TYPES.has(type[2])) throw new Error(`unknown type: ${line}`);
      types.set(type[1], type[2]);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not Prometheus text: ${line}`);
    const value = match[3] === "NaN" ? NaN : match[3] === "+Inf" ? Infinity : Number(match[3]);
    if (Number.isNaN(value) && match[3] !== "NaN") throw new Error(`bad value: ${line}`);
    const family = match[1].replace(/_(bucket|sum|count)$/, "");
    if (!types.has(match[1]) && !types.has(family)) throw new Error(`no # TYPE for: ${line}`);
    const labels = Object.fromEntries(
      [...(match[2] ?? "").matchAll(LABEL)].map(([, k, v]) => [k, v]),
    );
    samples.push({ name: match[1], labels, value });
  }
  checkHistograms(samples);
  return samples;
}

function checkHistograms(samples: Sample[]): void {
  const series = new Map<string, Sample[]>();
  for (const s of samples.filter((s) => s.name.endsWith("_bucket"))) {
    const { le: _, ...rest } = s.labels;
    const key = `${s.name}${JSON.stringify(rest)}`;
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, buckets] of series) {
    const sorted = buckets.sort((a, b) => Number(a.labels.le) - Number(b.labels.le));
    if (sorted.at(-1)?.labels.le !== "+Inf") throw new Error(`${key}: no +Inf bucket`);
    sorted.reduce((prev, b) => {
      if (b.value < prev) throw new Error(`${key}: buckets not cumulative`);
      return b.value;
    }, 0);
  }
}

export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain; version=0.0.4")) throw new Error(`content-type ${type}`);
  return parseMetrics(text);
}

/**
 * The value of the sample with this name and these labels; a histogram's name gives its
 * `_count`. 0 when there is none yet (a counter whose labels never moved).
 */
export function sample(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const names = [name, `${name}_count`];
  const match = samples.find((s) =>
    names.includes(s.name) && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  );
  return match?.value ?? 0;
}
