/**
 * Watches the twin's event log as it is written and holds software to the ownership
 * rules, whichever device plays the ring:
 * - no CPU store into a descriptor the device owns ([head, tail register)) or into a
 *   buffer still in the device's hands (the twin's CPU-write tracking reports stores at
 *   each register access, and whenever the suite scans before the device acts);
 * - no write of the head register while the ring is enabled;
 * - no read of the tail register (software keeps its tail in memory);
 * - every tail write inside the ring.
 * Each breach is kept as a sentence; the suite fails the step that produced it.
 */
import type { SimEvent } from '../sim/event-log.js';
import type { SimDevice } from '../sim/device.js';

export interface AuditedRing {
  bar: number;
  headOffset: number;
  tailOffset: number;
  headName: string;
  tailName: string;
  /** IOVA of slot 0 and the bytes per slot. */
  base: number;
  descBytes: number;
  count: number;
}

/** A buffer the device holds, by IOVA range. */
export interface HeldBuffer {
  iova: number;
  bytes: number;
  /** How the suite names it in a failure ("buffer of slot 3, post #17"). */
  label: string;
}

export class OwnershipAuditor {
  readonly problems: string[] = [];
  /** Tail register writes seen since the counter was last reset. */
  tailWrites = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly device: SimDevice,
    private readonly ring: AuditedRing,
    private readonly enabled: () => boolean,
    private readonly heldBuffers: () => readonly HeldBuffer[],
  ) {
    const log = device.log;
    if (!log) throw new Error('the ownership auditor needs a twin opened with an event log');
    this.unsubscribe = log.subscribe((e) => this.see(e));
  }

  close(): void {
    this.unsubscribe();
  }

  private see(e: SimEvent): void {
    const r = this.ring;
    if (e.kind === 'cpu-write') this.cpuWrite(e.iova, e.length);
    else if (e.kind === 'mmio-read' && e.bar === r.bar && e.offset === r.tailOffset) {
      this.problems.push(
        `software read the tail register ${r.tailName} back (it must keep its tail in memory)`,
      );
    } else if (
      e.kind === 'mmio-write' &&
      e.bar === r.bar &&
      e.offset === r.headOffset &&
      this.enabled()
    ) {
      this.problems.push(
        `software wrote ${e.value} to the head register ${r.headName} while the ring is enabled; the device owns the head`,
      );
    } else if (e.kind === 'mmio-write' && e.bar === r.bar && e.offset === r.tailOffset) {
      this.tailWrites++;
      if (e.value >= r.count)
        this.problems.push(
          `software wrote ${e.value} to ${r.tailName}, outside a ring of ${r.count} slots`,
        );
    }
  }

  private cpuWrite(iova: number, length: number): void {
    const r = this.ring;
    const end = iova + length;
    if (this.enabled() && iova < r.base + r.count * r.descBytes && end > r.base) {
      const file = this.device.regs.bar(r.bar);
      const head = file.peek(r.headOffset);
      const tail = file.peek(r.tailOffset);
      const first = Math.max(0, Math.floor((iova - r.base) / r.descBytes));
      const last = Math.min(r.count - 1, Math.floor((end - 1 - r.base) / r.descBytes));
      for (let slot = first; slot <= last; slot++) {
        if (owns(head, tail, slot, r.count)) {
          this.problems.push(
            `software wrote descriptor slot ${slot} while the device owns it (${r.headName}=${head}, ${r.tailName}=${tail})`,
          );
          return;
        }
      }
    }
    for (const b of this.heldBuffers()) {
      if (iova < b.iova + b.bytes && end > b.iova) {
        this.problems.push(`software wrote into the ${b.label} while the device holds it`);
        return;
      }
    }
  }
}

/** Whether the device owns `slot`: it lies in [head, tail) going forward round the ring. */
function owns(head: number, tail: number, slot: number, count: number): boolean {
  const span = (tail - head + count) % count;
  const at = (slot - head + count) % count;
  return at < span;
}
