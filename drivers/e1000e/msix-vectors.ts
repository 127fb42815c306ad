/**
 * The 82574L's MSI-X vectors as the driver waits on them: route_msix (e1000e.nicdl) sends RXQ0, RXQ1, TXQ0, TXQ1 and OTHER each to its own
 * vector (VECTOR_* in e1000e.nicdl), and EITR throttles each vector on its own.
 *
 * When the backend gives one interrupt source per vector (Device.interruptVectors),
 * a receive wait sleeps on the receive queues' vectors and the "other" one (link
 * changes, overruns) together; the transmit vectors are left unwaited, as bring-up does
 * not unmask TXQ0/TXQ1. Interrupts are counted per vector, for statistics.
 *
 * After an interrupt, the next wait first calls `rearm` (the driver clears the causes
 * left in ICR and writes IMS again). QEMU's 82574L (7.2, measured in
 * test/e2e/scenarios/31-e1000e-msix.mjs) sends a vector's message once and then no more
 * without that: in MSI-X mode its ICR read does not clear the causes, and a cause still
 * pending is not sent again. Rearming only after the driver's own ICR read keeps its
 * link-change and overrun counts.
 */
import type { Device, InterruptSource } from '../../runtime/types.js';
import {
  MSIX_VECTORS,
  VECTOR_OTHER,
  VECTOR_RXQ0,
  VECTOR_RXQ1,
  VECTOR_TXQ0,
  VECTOR_TXQ1,
} from './generated/index.js';

/** How long one sleep on the first vector lasts before the others are looked at again. */
const SLICE_MS = 1;

/** Vector names in vector order, for statistics (msix_<name>_interrupts). */
const VECTOR_NAMES: Record<number, string> = {
  [VECTOR_RXQ0]: 'rxq0',
  [VECTOR_RXQ1]: 'rxq1',
  [VECTOR_TXQ0]: 'txq0',
  [VECTOR_TXQ1]: 'txq1',
  [VECTOR_OTHER]: 'other',
};

/** One InterruptSource over several MSI-X vectors: a wait ends when any of them fires. */
export class MsixVectors implements InterruptSource {
  /** Interrupts seen per vector (index = vector number). */
  readonly counts = new Float64Array(MSIX_VECTORS);
  private readonly waited: readonly number[];
  /** An interrupt was taken: rearm before the next wait (after the driver read ICR). */
  private pendingRearm = false;

  private constructor(
    private readonly sources: readonly InterruptSource[],
    queues: number,
    private readonly rearm: () => void,
  ) {
    this.waited =
      queues > 1 ? [VECTOR_RXQ0, VECTOR_RXQ1, VECTOR_OTHER] : [VECTOR_RXQ0, VECTOR_OTHER];
  }

  /** The device's MSI-X vectors, or undefined when it does not offer per-vector sources. */
  static open(device: Device, queues: number, rearm: () => void): MsixVectors | undefined {
    const sources = device.interruptVectors?.(MSIX_VECTORS);
    return sources && sources.length === MSIX_VECTORS
      ? new MsixVectors(sources, queues, rearm)
      : undefined;
  }

  /** Interrupts on the waited vectors: what is pending now, else the first to arrive. */
  async wait(timeoutMs: number): Promise<number> {
    if (this.pendingRearm) {
      this.pendingRearm = false;
      this.rearm();
    }
    let remainingMs = Math.max(0, timeoutMs);
    const [first] = this.waited;
    for (;;) {
      let n = 0;
      for (const v of this.waited) n += await this.take(v, 0);
      if (n > 0) return this.rearmed(n);
      if (remainingMs <= 0) return 0;
      const sliceMs = Math.min(SLICE_MS, remainingMs);
      remainingMs -= sliceMs;
      n = await this.take(first, sliceMs);
      if (n > 0) {
        for (const v of this.waited) if (v !== first) n += await this.take(v, 0);
        return this.rearmed(n);
      }
    }
  }

  /** msix_<vector>_interrupts for every vector. */
  statistics(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let v = 0; v < MSIX_VECTORS; v++)
      out[`msix_${VECTOR_NAMES[v]}_interrupts`] = this.counts[v];
    return out;
  }

  private rearmed(n: number): number {
    this.pendingRearm = true;
    return n;
  }

  /** The sources belong to the device, which closes them. */
  close(): void {}

  private async take(vector: number, timeoutMs: number): Promise<number> {
    const n = await this.sources[vector].wait(timeoutMs);
    this.counts[vector] += n;
    return n;
  }
}
