/**
 * `nicdl stats`: the driver's statistics — hardware counters accumulated to 64 bits by
 * spec name, the driver's own counts, ring use and DMA memory. `--watch` keeps the NIC
 * up (receiving and counting what arrives) and prints per-second rates of every counter
 * that moved.
 */
import { Flags } from '@oclif/core';
import type { NicStatistics } from '../../runtime/nic.js';
import { NicdlCommand } from '../base.js';
import { byteSize, count } from '../live-rates.js';
import { deviceFlags, nicFlags } from '../nic-flags.js';
import { openNic, type OpenedNic } from '../open-nic.js';
import { counterDeltas, jsonStatistics, jsonValue } from '../stat-deltas.js';

const RX_BATCH = 64;
const IDLE_WAIT_MS = 10;
const MS_PER_S = 1000;
const COUNTERS_PER_LINE = 4;

interface Sample {
  second: number;
  /** Per-second rate of every counter that changed in the interval. */
  rates: Record<string, number>;
}

export default class Stats extends NicdlCommand {
  static override summary =
    'Show the NIC statistics: hardware counters, driver counts, rings, DMA; --watch for rates';
  static override description =
    'Hardware counters are read (they clear on read) and accumulated to 64 bits by the driver; zero counters are ' +
    'hidden unless --all. --watch keeps the NIC up, counts what arrives, and prints the per-second rate of every ' +
    'counter that changed, once a second, until Ctrl-C (or --samples reports).';
  static override examples = [
    '<%= config.bin %> stats',
    '<%= config.bin %> stats --pci 0000:00:02.0 --watch',
    '<%= config.bin %> stats --json --all',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    watch: Flags.boolean({
      char: 'w',
      description: 'print per-second rates every second until Ctrl-C',
    }),
    samples: Flags.integer({
      description: 'with --watch: stop after this many reports (0: until Ctrl-C)',
      default: 0,
      min: 0,
    }),
    all: Flags.boolean({ description: 'also show counters that are zero' }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Stats);
    const nic = await openNic(flags, { onCleanup: (fn) => this.onCleanup(fn) });
    const samples = flags.watch ? await this.watch(nic, flags.samples) : [];
    const stats = nic.driver.statistics();
    this.printStatistics(stats, flags.all);
    return {
      where: nic.where,
      statistics: jsonStatistics(stats),
      ...(flags.watch ? { samples } : {}),
    };
  }

  private printStatistics(s: NicStatistics, all: boolean): void {
    this.log(`uptime ${s.uptimeSeconds.toFixed(3)} s`);
    const hardware = Object.entries(s.hardware).filter(([, v]) => all || v !== 0n);
    this.log(`hardware counters${hardware.length ? '' : ': all zero'}`);
    for (const line of columns(hardware.map(([k, v]) => [k, count(v)]))) this.log(`  ${line}`);
    const driver = Object.entries(s.driver).filter(([, v]) => all || Number(v) !== 0);
    this.log(`driver counters${driver.length ? '' : ': all zero'}`);
    for (const line of columns(driver.map(([k, v]) => [k, String(jsonValue(v))])))
      this.log(`  ${line}`);
    for (const r of s.rings)
      this.log(
        `ring ${r.name}: ${r.size} descriptors, ${r.inFlight} in flight, ${r.free} free, high water ${r.highWater}`,
      );
    this.log(
      `DMA ${byteSize(s.dma.allocatedBytes)} allocated in ${s.dma.regions} regions, ${byteSize(s.dma.mappedBytes)} mapped`,
    );
  }

  private async watch(nic: OpenedNic, maxSamples: number): Promise<Sample[]> {
    const { driver, stop } = nic;
    const samples: Sample[] = [];
    const onFrame = () => {};
    let last = driver.statistics();
    let lastMs = performance.now();
    const startMs = lastMs;
    this.logToStderr(`watching ${nic.where} (Ctrl-C to stop)`);
    while (!stop.stopped && (maxSamples === 0 || samples.length < maxSamples)) {
      driver.reclaim();
      if (driver.receive(RX_BATCH, onFrame) > 0) continue;
      await driver.waitForReceive(IDLE_WAIT_MS);
      if (nic.sim) await stop.sleep(IDLE_WAIT_MS); // the twin's clock would not wait
      const nowMs = performance.now();
      if (nowMs - lastMs < MS_PER_S) continue;
      const now = driver.statistics();
      const seconds = (nowMs - lastMs) / MS_PER_S;
      const rates = Object.fromEntries(
        counterDeltas(last, now).map((d) => [d.name, d.delta / seconds]),
      );
      const sample = { second: Math.round((nowMs - startMs) / MS_PER_S), rates };
      samples.push(sample);
      this.logToStderr(`${String(sample.second).padStart(4)} s  ${rateText(rates)}`);
      [last, lastMs] = [now, nowMs];
    }
    return samples;
  }
}

function rateText(rates: Record<string, number>): string {
  const entries = Object.entries(rates);
  if (!entries.length) return 'no counter changed';
  return entries.map(([k, v]) => `${k} ${count(Math.round(v))}/s`).join('  ');
}

/** name/value pairs laid out a few per line, aligned. */
function columns(pairs: Array<[string, string]>): string[] {
  const nameWidth = Math.max(0, ...pairs.map(([k]) => k.length));
  const valueWidth = Math.max(0, ...pairs.map(([, v]) => v.length));
  const cells = pairs.map(([k, v]) => `${k.padEnd(nameWidth)} ${v.padStart(valueWidth)}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += COUNTERS_PER_LINE)
    lines.push(cells.slice(i, i + COUNTERS_PER_LINE).join('   '));
  return lines;
}
