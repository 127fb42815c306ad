/**
 * Statistics as a command shows them: what changed between two snapshots (hardware
 * counters by spec name, the driver's own counts), and values made safe for JSON
 * (64-bit counters are bigint; JSON has no bigint).
 */
import type { NicStatistics, StatValue } from '../runtime/nic.js';
import { count } from './live-rates.js';

export interface CounterDelta {
  name: string;
  /** "hardware" (device counter, spec name) or "driver" (software count). */
  source: 'hardware' | 'driver';
  delta: number;
}

/** Every counter that changed from `before` to `after`, hardware first, in name order. */
export function counterDeltas(before: NicStatistics, after: NicStatistics): CounterDelta[] {
  const out: CounterDelta[] = [];
  for (const [name, v] of Object.entries(after.hardware)) {
    const d = Number(v - (before.hardware[name] ?? 0n));
    if (d !== 0) out.push({ name, source: 'hardware', delta: d });
  }
  for (const [name, v] of Object.entries(after.driver)) {
    const d = Number(v) - Number(before.driver[name] ?? 0);
    if (d !== 0) out.push({ name, source: 'driver', delta: d });
  }
  return out;
}

/** "hardware: GPRC +1000 GPTC +1000 …" lines, a few counters each. */
export function formatCounterDeltas(deltas: readonly CounterDelta[], perLine = 6): string[] {
  const lines: string[] = [];
  for (const source of ['hardware', 'driver'] as const) {
    const items = deltas
      .filter((d) => d.source === source)
      .map((d) => `${d.name} +${count(d.delta)}`);
    for (let i = 0; i < items.length; i += perLine)
      lines.push(
        `${i === 0 ? `${source}:`.padEnd(10) : ''.padEnd(10)}${items.slice(i, i + perLine).join('  ')}`,
      );
  }
  return lines;
}

/** A statistic for JSON: a number when exact, else its decimal string. */
export function jsonValue(v: StatValue): number | string {
  if (typeof v === 'number') return v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** NicStatistics with every bigint made JSON-safe. */
export function jsonStatistics(s: NicStatistics): Record<string, unknown> {
  const map = (r: Record<string, StatValue>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, jsonValue(v)]));
  return {
    hardware: map(s.hardware),
    driver: map(s.driver),
    rings: s.rings,
    dma: s.dma,
    uptimeSeconds: s.uptimeSeconds,
  };
}
