// summary.json / summary.md / summary.svg from every results file's headline.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  betterDirection,
  isRatioKey,
  renderSummaryMarkdown,
  writeSummary,
} from '../../bench/qemu/summary.js';

describe('summary', () => {
  it('merges every headline over the old summary and charts the ratios', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nicdl-summary-'));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ stale_key: 1, tx_pps_vs_dpdk: 0.5 }));
    writeFileSync(
      join(dir, 'qemu.json'),
      JSON.stringify({
        date: '2026-01-01',
        headline: { tx_pps_vs_dpdk: 0.9, rx_pps_vs_dpdk: null, qemu_tx_pps_dpdk: 250000 },
      }),
    );
    writeFileSync(
      join(dir, 'driver.json'),
      JSON.stringify({ headline: { fwd_ns_vs_handwritten: 1.05 } }),
    );
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ no: 'headline' }));
    const summary = writeSummary(dir);
    expect(summary).toEqual({
      stale_key: 1,
      tx_pps_vs_dpdk: 0.9,
      rx_pps_vs_dpdk: null,
      qemu_tx_pps_dpdk: 250000,
      fwd_ns_vs_handwritten: 1.05,
    });
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual(summary);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/tx_pps_vs_dpdk\s+#+.*0\.9\s+\(higher is better\)/);
    expect(md).toMatch(/fwd_ns_vs_handwritten\s+#+.*1\.05\s+\(lower is better\)/);
    expect(md).toMatch(/rx_pps_vs_dpdk\s+not measured/);
    expect(md).toContain('| qemu_tx_pps_dpdk | 250,000 |');
    expect(md).toContain('- qemu.json (2026-01-01)');
    const svg = readFileSync(join(dir, 'summary.svg'), 'utf8');
    expect(svg.match(/<rect x=/g)).toHaveLength(2); // two measured ratios get a bar
    expect(svg).toContain('not measured');
  });

  it('bar lengths follow the values', () => {
    const md = renderSummaryMarkdown({ a_vs_b: 1, c_vs_d: 0.5 }, [], null);
    const bars = Object.fromEntries(
      [...md.matchAll(/^(\w+)\s+(#+)/gm)].map((m) => [m[1], m[2].length]),
    );
    expect(bars.a_vs_b).toBe(2 * bars.c_vs_d);
  });

  it('knows ratios and which way is better', () => {
    expect(isRatioKey('tx_pps_vs_dpdk')).toBe(true);
    expect(isRatioKey('generators_ring_ratio')).toBe(true);
    expect(isRatioKey('allocs_per_packet')).toBe(false);
    expect(betterDirection('rx_pps_vs_kernel')).toBe('higher');
    expect(betterDirection('ping_p99_vs_kernel')).toBe('lower');
  });
});
