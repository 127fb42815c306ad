/**
 * The device side of a ring, minimal: it takes the slots between its head and the tail
 * register software wrote, sets each one's done bit (RX: writes a length, end-of-packet
 * and error bits; TX: only where the descriptor carries the spec's report bit), and moves
 * its head, as the IR's ring declaration says a device does.
 */
import type { DescBitRef, Device, Ring } from '../../../spec/ir.js';
import type { DmaRegion } from '../../../runtime/types.js';
import { descriptorNamed, registerNamed } from '../../../generators/layout.js';
import type { SemanticMmio } from './semantic-mmio.js';

type Ref = Pick<DescBitRef, 'offset' | 'type'>;

function read(view: DataView, at: number, type: Ref['type']): number {
  switch (type) {
    case 'u8':
      return view.getUint8(at);
    case 'u16':
      return view.getUint16(at, true);
    default:
      return view.getUint32(at, true);
  }
}

function write(view: DataView, at: number, type: Ref['type'], v: number): void {
  switch (type) {
    case 'u8':
      return view.setUint8(at, v);
    case 'u16':
      return view.setUint16(at, v, true);
    default:
      return view.setUint32(at, v >>> 0, true);
  }
}

export interface RxResult {
  length: number;
  eop: boolean;
  errors: number;
}

export class RingDevice {
  readonly size: number;
  readonly headOffset: number;
  readonly tailOffset: number;

  constructor(
    ir: Device,
    readonly ring: Ring,
    private readonly mmio: SemanticMmio,
    private readonly region: DmaRegion,
    readonly count: number,
  ) {
    this.size = descriptorNamed(ir, ring.descriptor, 'test').size;
    this.headOffset = registerNamed(ir, ring.registers.head, 'test').offset;
    this.tailOffset = registerNamed(ir, ring.registers.tail, 'test').offset;
  }

  get head(): number {
    return this.mmio.peek(this.headOffset);
  }

  get tail(): number {
    return this.mmio.peek(this.tailOffset);
  }

  /** Slots handed over and not yet processed. */
  pending(): number {
    return (this.tail - this.head + this.count) % this.count;
  }

  /** Sets the done bit of `slot` (without moving the head: for misbehaviour tests). */
  setDone(slot: number): void {
    const at = slot * this.size + this.ring.done.offset;
    write(
      this.region.view,
      at,
      this.ring.done.type,
      read(this.region.view, at, this.ring.done.type) | this.ring.done.mask,
    );
  }

  /** Whether `slot` asks for a done bit: it carries the report bit, or the ring declares none. */
  reports(slot: number): boolean {
    const r = this.ring.reportStatus;
    return !r || this.ring.direction !== 'tx' || (this.field(slot, r) & r.mask) !== 0;
  }

  /** Sets a bit of a slot (what a caller writing a descriptor through a codec does). */
  setBit(slot: number, ref: DescBitRef): void {
    const at = slot * this.size + ref.offset;
    write(this.region.view, at, ref.type, read(this.region.view, at, ref.type) | ref.mask);
  }

  isDone(slot: number): boolean {
    return (
      (read(this.region.view, slot * this.size + this.ring.done.offset, this.ring.done.type) &
        this.ring.done.mask) !==
      0
    );
  }

  /** A field of a slot (whole field, u64 as its low word). */
  field(slot: number, ref: Ref): number {
    return read(this.region.view, slot * this.size + ref.offset, ref.type);
  }

  /** Processes up to `n` slots; returns how many. RX slots get `rx(i)`'s results. */
  process(n: number, rx?: (i: number) => RxResult): number {
    let done = 0;
    while (done < n && this.head !== this.tail) {
      const slot = this.head;
      if (rx) {
        const r = rx(done);
        const base = slot * this.size;
        if (this.ring.lengthField)
          write(
            this.region.view,
            base + this.ring.lengthField.offset,
            this.ring.lengthField.type,
            r.length,
          );
        if (this.ring.errorsField)
          write(
            this.region.view,
            base + this.ring.errorsField.offset,
            this.ring.errorsField.type,
            r.errors,
          );
        if (this.ring.eop) {
          const at = base + this.ring.eop.offset;
          const v = read(this.region.view, at, this.ring.eop.type);
          write(
            this.region.view,
            at,
            this.ring.eop.type,
            r.eop ? v | this.ring.eop.mask : v & ~this.ring.eop.mask,
          );
        }
      }
      // A TX descriptor without the spec's report bit gets no done bit back.
      if (this.reports(slot)) this.setDone(slot);
      this.mmio.poke(this.headOffset, (slot + 1) % this.count);
      done++;
    }
    return done;
  }
}
