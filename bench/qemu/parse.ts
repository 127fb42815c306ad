/**
 * Parsers for what the peers print in the guest: pktgen's report, testpmd's statistics,
 * the kernel RX counter samples, busybox ping, and nicdl's --json output. Each returns
 * null (or an empty list) when the text holds no result, so the caller can record the
 * raw output as the reason instead of a made-up number.
 */

export interface PktgenReport {
  pps: number;
  packets: number;
  elapsedUs: number;
  frameBytes: number;
}

/** pktgen's device file after a run: "Result: OK: <us>(c..+d..) usec, <n> (<size>byte,..)\n <pps>pps". */
export function parsePktgen(text: string): PktgenReport | null {
  const m = /Result: OK: (\d+)\([^)]*\) usec, (\d+) \((\d+)byte,\d+frags\)\s+(\d+)pps/.exec(text);
  if (!m) return null;
  return {
    elapsedUs: Number(m[1]),
    packets: Number(m[2]),
    frameBytes: Number(m[3]),
    pps: Number(m[4]),
  };
}

export interface TestpmdReport {
  /** testpmd's own rate: the mean of its per-period "Tx-pps"/"Rx-pps" figures with traffic. */
  pps: number | null;
  /** Every per-period figure, in order (the first, before any period, is always 0). */
  ppsSamples: number[];
  /** Packets in the final "Accumulated forward statistics". */
  packets: number | null;
}

// testpmd clears the screen before each statistics block (ESC [2J ESC [1;1H).
const ANSI_ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

/** testpmd run with --stats-period and stopped by SIGINT; `dir` picks the TX or RX side. */
export function parseTestpmd(text: string, dir: 'tx' | 'rx'): TestpmdReport {
  const clean = stripAnsi(text);
  const label = dir === 'tx' ? 'Tx' : 'Rx';
  const ppsSamples = [...clean.matchAll(new RegExp(`${label}-pps:\\s+(\\d+)`, 'g'))].map((m) =>
    Number(m[1]),
  );
  const withTraffic = ppsSamples.filter((n) => n > 0);
  const accumulated = clean.split('Accumulated forward statistics')[1] ?? '';
  const packets = new RegExp(`${label.toUpperCase()}-packets:\\s+(\\d+)`).exec(accumulated);
  return {
    pps: withTraffic.length ? withTraffic.reduce((a, b) => a + b, 0) / withTraffic.length : null,
    ppsSamples,
    packets: packets ? Number(packets[1]) : null,
  };
}

/** The first "EAL:"/"testpmd:" error line, for a reason when testpmd fails. */
export function testpmdError(text: string): string | null {
  const lines = stripAnsi(text).split('\n');
  const bad = lines.find((l) => /(Cause:|FATAL|Error - exiting|Cannot init)/.test(l));
  return bad ? bad.trim() : null;
}

export interface CounterSample {
  uptimeS: number;
  packets: number;
}

/** rx-counter.sh output: "uptime_s packets" lines. */
export function parseCounterSamples(text: string): CounterSample[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 2 && f.every(Number.isFinite))
    .map(([uptimeS, packets]) => ({ uptimeS, packets }));
}

/** Rates between consecutive samples (packets per second), in order. */
export function intervalRates(samples: readonly CounterSample[]): number[] {
  const rates: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = samples[i].uptimeS - samples[i - 1].uptimeS;
    if (dt > 0) rates.push((samples[i].packets - samples[i - 1].packets) / dt);
  }
  return rates;
}

/** Round-trip times in ms from ping's "time=0.920 ms" reply lines, in order. */
export function parsePingRtts(text: string): number[] {
  return [...text.matchAll(/time=([\d.]+) ?ms/g)].map((m) => Number(m[1]));
}

/** The JSON value a `nicdl ... --json` command printed (oclif prints the run() result). */
export function parseCommandJson(stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    // Progress lines before the JSON document: take it from its first line on.
    const start = text.search(/^[{[]/m);
    if (start < 0) return null;
    try {
      return JSON.parse(text.slice(start));
    } catch {
      return null;
    }
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const RATE_KEYS = ['pps', 'txPps', 'rxPps', 'packetsPerSecond', 'framesPerSecond'];
const COUNT_KEYS = ['sent', 'received', 'packets', 'frames', 'count'];
const TIME_KEYS_MS = ['elapsedMs', 'durationMs', 'ms'];
const TIME_KEYS_S = ['seconds', 'elapsedS', 'durationS'];

/**
 * A command's own packets-per-second figure from its JSON: a rate field if it has one,
 * else a packet count over an elapsed time (searched one object level deep, e.g. {tx: {...}}).
 */
export function commandPps(json: unknown): number | null {
  if (!isObject(json)) return null;
  const direct = ownPps(json);
  if (direct !== null) return direct;
  for (const v of Object.values(json))
    if (isObject(v)) {
      const nested = ownPps(v);
      if (nested !== null) return nested;
    }
  return null;
}

function ownPps(o: Json): number | null {
  for (const k of RATE_KEYS) if (num(o[k]) !== null) return num(o[k]);
  const count = COUNT_KEYS.map((k) => num(o[k])).find((v) => v !== null);
  if (count == null) return null;
  const ms = TIME_KEYS_MS.map((k) => num(o[k])).find((v) => v !== null);
  if (ms) return (count * 1000) / ms;
  const s = TIME_KEYS_S.map((k) => num(o[k])).find((v) => v !== null);
  return s ? count / s : null;
}

/**
 * Round-trip times in ms from a ping command's JSON: any array of numbers under a key
 * naming RTTs (microseconds when the key ends in "Us"), or of objects carrying such a field.
 */
export function commandRttsMs(json: unknown): number[] {
  if (!isObject(json)) return [];
  for (const [key, value] of Object.entries(json)) {
    if (!Array.isArray(value) || value.length === 0) continue;
    if (value.every((v) => num(v) !== null) && /rtt|time/i.test(key))
      return value.map((v) => scaleToMs(key, v as number));
    if (value.every(isObject)) {
      const field = Object.keys(value[0]).find(
        (k) => /rtt|time/i.test(k) && num(value[0][k]) !== null,
      );
      if (field)
        return value
          .map((v) => num((v as Json)[field]))
          .filter((v): v is number => v !== null)
          .map((v) => scaleToMs(field, v));
    }
  }
  return [];
}

function scaleToMs(key: string, value: number): number {
  const MICROSECONDS_PER_MS = 1000;
  const NANOSECONDS_PER_MS = 1e6;
  if (/Us$/.test(key)) return value / MICROSECONDS_PER_MS;
  if (/Ns$/.test(key)) return value / NANOSECONDS_PER_MS;
  return value;
}
