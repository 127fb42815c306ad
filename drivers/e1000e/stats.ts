/**
 * Statistics. Hardware: the 82574L's counters are the 8254x block plus nine interrupt
 * counters; one generated Counters object (e1000e's) owns them all, clear-on-read, as
 * the e1000's HardwareCounters does for its own. Driver: the e1000's per-queue software
 * counters for each queue (prefixed q0_, q1_) and their sums under the e1000's names, so
 * the CLI shows an 82574L as it shows an e1000.
 */
import type { NicStatistics, StatValue } from '../../runtime/nic.js';
import type { Mmio } from '../../runtime/types.js';
import { driverCounters, HardwareCounters, type DriverParts } from '../e1000/stats.js';
import { Counters } from './generated/index.js';

const US_PER_S = 1_000_000;
/** Counters of the whole device, not of one queue: reported once, not summed. */
const DEVICE_WIDE = new Set(['interrupts', 'link_changes', 'rx_overrun_interrupts', 'rctl_writes']);

/** The e1000's hardware-counter owner, over the 82574L's counter set. */
export class HardwareCounters82574 extends HardwareCounters {
  private readonly all: Counters;

  constructor(bar0: Mmio) {
    super(bar0);
    this.all = new Counters(bar0);
  }

  override accumulate(): void {
    this.all.accumulate();
  }

  override restart(): void {
    this.all.accumulate();
    this.all.clear();
  }

  override totals(): Record<string, bigint> {
    this.all.accumulate();
    const out: Record<string, bigint> = {};
    for (const [name, value] of Object.entries(this.all.snapshot())) out[name] = BigInt(value);
    return out;
  }
}

/** Per-queue counters (qN_ prefixed) and their sums (the e1000's names). */
export function queueCounters(parts: readonly DriverParts[]): Record<string, StatValue> {
  const out: Record<string, StatValue> = {};
  parts.forEach((p, q) => {
    for (const [name, value] of Object.entries(driverCounters(p))) {
      if (DEVICE_WIDE.has(name)) {
        out[name] = value;
        continue;
      }
      out[`q${q}_${name}`] = value;
      out[name] = q === 0 ? value : Number(out[name]) + Number(value);
    }
  });
  return out;
}

/** The whole NicStatistics picture, over every queue in use. */
export function statistics(parts: readonly DriverParts[]): NicStatistics {
  const p0 = parts[0];
  const rings: NicStatistics['rings'] = [];
  parts.forEach((p, q) => {
    rings.push({
      name: `tx${q}`,
      size: p.tx.ring.count,
      inFlight: p.tx.ring.inUse,
      free: p.tx.ring.free(),
      highWater: p.tx.highWater,
    });
    rings.push({
      name: `rx${q}`,
      size: p.rx.ring.count,
      inFlight: p.rx.ring.inUse,
      free: p.rx.ring.free(),
      highWater: p.rx.highWater,
    });
  });
  return {
    hardware: p0.hardware.totals(),
    driver: queueCounters(parts),
    rings,
    dma: p0.dma.stats(),
    uptimeSeconds: (p0.clock.nowUs() - p0.startUs) / US_PER_S,
  };
}
