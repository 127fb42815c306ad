/**
 * Statistics. Hardware: the 8254x's counters (8254x SDM §13.7) clear when read and stick
 * at all ones, so every read goes through one generated `Counters` object that adds what
 * each read returned to a running total (split 64-bit octet counters low word first);
 * totals are exact integers (below 2^53) and reported as 64-bit bigints. Driver: packets
 * and bytes per ring, descriptors, drops and errors by cause, checksum verdicts, ring
 * high-water marks, DMA bytes copied. Rates are the caller's: uptimeSeconds is given.
 */
import type { NicStatistics, StatValue } from '../../runtime/nic.js';
import type { Clock, DmaAllocator, Mmio } from '../../runtime/types.js';
import { Counters, RxLegacyBits } from './generated/index.js';
import type { InterruptControl } from './interrupts.js';
import type { ReceiveControl } from './receive-control.js';
import type { RxChecksum } from './rx-checksum.js';
import type { RxQueue } from './rx.js';
import type { TxChecksum } from './tx-checksum.js';
import type { TxQueue } from './tx.js';

const US_PER_S = 1_000_000;

export class HardwareCounters {
  private readonly counters: Counters;

  constructor(bar0: Mmio) {
    this.counters = new Counters(bar0);
  }

  /** Read every counter (clearing it) into the totals. Call at least every ~40 min at line rate. */
  accumulate(): void {
    this.counters.accumulate();
  }

  /** Start from zero: drop what the counters held before this driver (QEMU's reset keeps them). */
  restart(): void {
    this.counters.accumulate();
    this.counters.clear();
  }

  /** Totals since restart(), by spec name. */
  totals(): Record<string, bigint> {
    this.counters.accumulate();
    const out: Record<string, bigint> = {};
    for (const [name, value] of Object.entries(this.counters.snapshot())) out[name] = BigInt(value);
    return out;
  }
}

/** Everything the driver statistics are read from. */
export interface DriverParts {
  tx: TxQueue;
  rx: RxQueue;
  txChecksum: TxChecksum;
  rxChecksum: RxChecksum;
  irq: InterruptControl;
  rctl: ReceiveControl;
  dma: DmaAllocator;
  hardware: HardwareCounters;
  clock: Clock;
  startUs: number;
}

/** The driver's software counters, by name (snake_case, as ethtool -S prints them). */
export function driverCounters(p: DriverParts): Record<string, StatValue> {
  const { tx, rx } = p;
  const out: Record<string, StatValue> = {
    tx_packets: tx.packets,
    tx_bytes: tx.bytes,
    tx_completed: tx.completedFrames,
    tx_descriptors: tx.descriptors,
    tx_multi_descriptor_frames: tx.multiDescriptorFrames,
    tx_gathered_frames: tx.gatheredFrames,
    tx_refused_ring_full: tx.refusedFrames,
    tx_csum_offloaded: p.txChecksum.hardwareFrames,
    tx_csum_software: p.txChecksum.softwareFrames,
    tx_csum_unsupported: p.txChecksum.unsupportedFrames,
    tx_context_descriptors: p.txChecksum.contextDescriptors,
    rx_packets: rx.packets,
    rx_bytes: rx.bytes,
    rx_descriptors: rx.descriptors,
    rx_multi_descriptor_frames: rx.multiDescriptorFrames,
    rx_drop_oversize: rx.droppedOversize,
    rx_drop_empty: rx.droppedEmpty,
    rx_csum_hardware: p.rxChecksum.hardwareVerdicts,
    rx_csum_software: p.rxChecksum.softwareVerdicts,
    rx_csum_ip_bad: p.rxChecksum.ipBad,
    rx_csum_l4_bad: p.rxChecksum.l4Bad,
    // What crossed the bus besides registers: frame bytes each way, and descriptors
    // (each one fetched or written back whole).
    dma_tx_data_bytes: tx.bytes,
    dma_rx_data_bytes: rx.bytes,
    dma_descriptor_bytes:
      (tx.descriptors + p.txChecksum.contextDescriptors) * tx.ring.layout.descriptorBytes +
      rx.descriptors * rx.ring.layout.descriptorBytes,
    interrupts: p.irq.interrupts,
    link_changes: p.irq.linkChanges,
    rx_overrun_interrupts: p.irq.overruns,
    rctl_writes: p.rctl.writeCount,
  };
  // One drop counter per receive error bit the spec names (CE, SE, SEQ, CXE, RXE...).
  for (const [name, mask] of Object.entries(RxLegacyBits.errors)) {
    const bit = Math.log2(mask);
    if (
      rx.droppedByErrorBit[bit] !== undefined &&
      mask & ~(RxLegacyBits.errors.IPE | RxLegacyBits.errors.TCPE)
    ) {
      out[`rx_drop_error_${name.toLowerCase()}`] = rx.droppedByErrorBit[bit];
    }
  }
  return out;
}

/** The whole NicStatistics picture. */
export function statistics(p: DriverParts): NicStatistics {
  const { tx, rx } = p;
  return {
    hardware: p.hardware.totals(),
    driver: driverCounters(p),
    rings: [
      {
        name: 'tx0',
        size: tx.ring.count,
        inFlight: tx.ring.inUse,
        free: tx.ring.free(),
        highWater: tx.highWater,
      },
      {
        name: 'rx0',
        size: rx.ring.count,
        inFlight: rx.ring.inUse,
        free: rx.ring.free(),
        highWater: rx.highWater,
      },
    ],
    dma: p.dma.stats(),
    uptimeSeconds: (p.clock.nowUs() - p.startUs) / US_PER_S,
  };
}
