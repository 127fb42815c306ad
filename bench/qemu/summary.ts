/**
 * bench/results/summary.json, summary.md and summary.svg: the headline figures of every
 * benchmark result file (in-process ones and the QEMU set) merged into one object, and a
 * Markdown page with a bar chart of the ratios. Any benchmark runner can call
 * writeSummary() after writing its own results JSON.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Headline = Record<string, number | null>;

export interface SummarySource {
  file: string;
  date: string | null;
  keys: string[];
}

/** A headline entry is charted when it is a ratio: "<x>_vs_<y>" or "<x>_ratio". */
export function isRatioKey(key: string): boolean {
  return /_vs_|_ratio$/.test(key);
}

/**
 * Which way is good for a ratio, from its name: throughput ratios (pps, rate) want to be
 * high, time/cost ratios (ns, cycles, ms, rtt, ratio of times) want to be low.
 */
export function betterDirection(key: string): 'higher' | 'lower' {
  return /pps|rate|throughput/.test(key) ? 'higher' : 'lower';
}

/** Merges `headline` of every *.json in `dir` (but summary.json) over the old summary. */
export function mergeHeadlines(dir: string): { summary: Headline; sources: SummarySource[] } {
  const summaryPath = join(dir, 'summary.json');
  const summary: Headline = existsSync(summaryPath)
    ? JSON.parse(readFileSync(summaryPath, 'utf8'))
    : {};
  const sources: SummarySource[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'summary.json')
    .sort()) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (!data?.headline) continue;
    Object.assign(summary, data.headline);
    sources.push({
      file,
      date: typeof data.date === 'string' ? data.date : null,
      keys: Object.keys(data.headline),
    });
  }
  return { summary, sources };
}

const BAR_CHARS = 40;

function format(value: number | null): string {
  if (value === null) return 'not measured';
  return Math.abs(value) >= 1000
    ? Math.round(value).toLocaleString('en-US')
    : String(Math.round(value * 1000) / 1000);
}

/** The Markdown page: a text bar chart of the ratios (1.0 marked "|"), then every figure. */
export function renderSummaryMarkdown(
  summary: Headline,
  sources: SummarySource[],
  svgFile: string | null,
): string {
  const ratios = Object.entries(summary).filter(([k]) => isRatioKey(k));
  const scale = Math.max(1.25, ...ratios.map(([, v]) => v ?? 0));
  const keyWidth = Math.max(0, ...ratios.map(([k]) => k.length));
  const one = Math.round(BAR_CHARS / scale);
  const bar = (v: number | null) => {
    if (v === null) return ' '.repeat(BAR_CHARS) + '  not measured';
    const n = Math.round((v / scale) * BAR_CHARS);
    const cells = Array.from({ length: BAR_CHARS }, (_, i) =>
      i < n ? '#' : i === one ? '|' : ' ',
    );
    return `${cells.join('')}  ${format(v)}`;
  };
  const lines = [
    '# Benchmark summary',
    '',
    'Generated from bench/results/*.json by bench/qemu/summary.ts (`npm run bench`, `npm run bench:qemu`).',
    'Every ratio compares two figures measured in the same run. `|` marks 1.0.',
    '',
  ];
  if (svgFile) lines.push(`![headline ratios](${svgFile})`, '');
  lines.push(
    '```',
    ...ratios.map(
      ([k, v]) => `${k.padEnd(keyWidth)}  ${bar(v)}  (${betterDirection(k)} is better)`,
    ),
    '```',
    '',
  );
  lines.push(
    '| figure | value |',
    '| --- | ---: |',
    ...Object.entries(summary).map(([k, v]) => `| ${k} | ${format(v)} |`),
    '',
  );
  lines.push(
    'Sources:',
    '',
    ...sources.map((s) => `- ${s.file} (${s.date ?? 'no date'}): ${s.keys.join(', ')}`),
    '',
  );
  return lines.join('\n');
}

/** A horizontal bar chart of the ratios as a standalone SVG, with a line at 1.0. */
export function renderSummarySvg(summary: Headline): string {
  const ratios = Object.entries(summary).filter(([k]) => isRatioKey(k));
  const ROW = 24,
    LABEL = 300,
    PLOT = 400,
    PAD = 10,
    VALUE = 110;
  const scale = Math.max(1.25, ...ratios.map(([, v]) => v ?? 0));
  const x = (v: number) => LABEL + (v / scale) * PLOT;
  const height = PAD * 2 + ROW * (ratios.length + 1);
  const width = LABEL + PLOT + VALUE;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = ratios.map(([k, v], i) => {
    const y = PAD + ROW * i;
    const good = v !== null && (betterDirection(k) === 'higher' ? v >= 1 : v <= 1);
    const barSvg =
      v === null
        ? `<text x="${LABEL + 4}" y="${y + 16}" fill="#888">not measured</text>`
        : `<rect x="${LABEL}" y="${y + 4}" width="${Math.max(1, x(v) - LABEL).toFixed(1)}" height="${ROW - 8}" fill="${good ? '#3a7' : '#c54'}"/>` +
          `<text x="${(x(v) + 4).toFixed(1)}" y="${y + 16}">${format(v)}</text>`;
    return `<text x="${LABEL - 6}" y="${y + 16}" text-anchor="end">${esc(k)}</text>${barSvg}`;
  });
  const oneX = x(1).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...rows,
    `<line x1="${oneX}" y1="${PAD}" x2="${oneX}" y2="${height - PAD - ROW / 2}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${oneX}" y="${height - PAD}" text-anchor="middle">1.0 (green: at or past parity in the good direction)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes summary.json, summary.md and summary.svg in `dir`; returns the merged headline. */
export function writeSummary(dir: string): Headline {
  const { summary, sources } = mergeHeadlines(dir);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(dir, 'summary.svg'), renderSummarySvg(summary));
  writeFileSync(join(dir, 'summary.md'), renderSummaryMarkdown(summary, sources, 'summary.svg'));
  return summary;
}
