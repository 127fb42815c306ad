/**
 * A generic ring device for the twin, built from the IR alone: for every ring a spec
 * declares, it plays the device side the way the ring declaration says a device behaves.
 * It knows nothing about any NIC; it is what `nicdl test` runs a spec's rings against
 * when no twin of the real device exists (and next to the twin when one does).
 *
 * Per ring, while the harness has it enabled:
 * - a write of the tail register hands [tail, new tail) to the device: it fetches each
 *   new descriptor through DMA at once and checks what `on post` promises — the done bit
 *   clear, the constants as declared (the end-of-frame and report bits aside), and the
 *   report bit on the last descriptor handed over, else nothing before it would ever be
 *   reported done (a descriptor written after the tail moved is seen stale, as a
 *   prefetching device sees it);
 * - `consume(k)` takes the next k handed-over slots: it re-reads each descriptor (it must
 *   not have changed since the hand-over) and, TX, reads the buffer (`length` bytes);
 *   `receive(frame)` (RX) writes a frame into as many slots as it needs;
 * - `complete(k)` writes back the consumed slots in order — RX length, errors and
 *   end-of-packet first, the done bit last (TX: only for descriptors with the report
 *   bit) — and advances the head past them. With
 *   `late`, the head moves at once and the done bits follow only at `writeLate()`: a
 *   driver that trusts the head instead of the done bit takes a slot too early;
 * - writes of the head, base or length register while enabled are violations: the
 *   device owns the head, and a ring is reprogrammed only while disabled.
 * Everything the device did is queued as RingDeviceEvents for the test to compare with
 * its own model; everything software did wrong is a twin violation (RING_*).
 */
import type { DescBitRef, Device as IrDevice, Ring } from '../../spec/ir.js';
import { asStored, maskable, readDescField } from './desc-fields.js';
import type { RxOutcome, SimContext, SimPlugin } from './plugin.js';

const TWO_POW_32 = 2 ** 32;
/** Register accesses that let software write the head (the others make it device-only). */
const SOFTWARE_WRITABLE = new Set(['rw', 'wo', 'w1s', 'w1c']);

/** A descriptor as the device decoded it when it was handed over. */
export interface FetchedDescriptor {
  /** The `buffer` assignment's field (0 when the spec posts none). */
  buffer: number;
  /** The `length` assignment's field, if the spec posts one. */
  length: number | undefined;
  /** The end-of-frame bit (TX), if the spec declares one. */
  last: boolean | undefined;
  /** The report-status bit (TX), if the spec declares one. */
  report: boolean | undefined;
  /** The done bit as the device found it (software must have cleared it). */
  done: boolean;
}

/** What the device did, in order (drained by the test after every step). */
export type RingDeviceEvent =
  | { kind: 'fetched'; ring: string; slot: number; descriptor: FetchedDescriptor }
  | {
      kind: 'consumed';
      ring: string;
      slot: number;
      /** The DMA of the buffer failed (the IOMMU blocked it). */
      faulted: boolean;
      /** TX: the bytes read from the buffer (empty when faulted). */
      txData?: Uint8Array;
      /** RX: what the device wrote into the buffer and will write back. */
      rx?: { length: number; eop: boolean; errors: number; data: Uint8Array };
    }
  | { kind: 'completed'; ring: string; slot: number; doneWritten: boolean }
  | { kind: 'written-late'; ring: string; slot: number }
  | { kind: 'rx-dropped'; ring: string; length: number; descriptors: number };

/** A frame the test asks the device to receive. */
export interface ModelRxFrame {
  length: number;
  /** Error bits written back with the frame's last descriptor (if the spec has an errors field). */
  errors: number;
}

interface RegisterOffsets {
  bar: number;
  baseLo: number;
  baseHi: number;
  length: number;
  head: number;
  tail: number;
}

/** A slot consumed and not yet written back. */
interface Consumed {
  slot: number;
  rx?: { length: number; eop: boolean; errors: number };
}

/** The device side of one ring. */
class RingUnit {
  readonly descBytes: number;
  readonly regs: RegisterOffsets;
  readonly headWritable: boolean;
  enabled = false;
  count = 0;
  base = 0;
  head = 0;
  tail = 0;
  /** Slots handed over and not yet consumed start here. */
  fetchCursor = 0;
  /** Bytes per RX buffer the device fills (what a real device learns from a register). */
  rxBufferBytes: number;
  readonly consumed: Consumed[] = [];
  /** Slots whose head moved but whose done bit is still to be written, oldest first. */
  readonly late: Consumed[] = [];
  /** Descriptor bytes of every slot as they were when handed over. */
  snapshot = new Uint8Array(0);
  private readonly scratch: Uint8Array;
  private readonly scratchView: DataView;

  constructor(
    readonly ir: IrDevice,
    readonly ring: Ring,
  ) {
    const desc = ir.descriptors.find((d) => d.name === ring.descriptor);
    const reg = (name: string) => {
      const r = ir.registers.find((x) => x.name === name && x.space === undefined);
      if (!r)
        throw new Error(`ring ${ring.name} names register ${name}, which the IR does not declare`);
      return r;
    };
    const head = reg(ring.registers.head);
    this.descBytes = desc?.size ?? 0;
    this.regs = {
      bar: head.bar,
      baseLo: reg(ring.registers.baseLo).offset,
      baseHi: reg(ring.registers.baseHi).offset,
      length: reg(ring.registers.length).offset,
      head: head.offset,
      tail: reg(ring.registers.tail).offset,
    };
    this.headWritable = SOFTWARE_WRITABLE.has(head.access);
    this.rxBufferBytes = ring.buffer.default;
    this.scratch = new Uint8Array(this.descBytes);
    this.scratchView = new DataView(this.scratch.buffer);
  }

  get name(): string {
    return this.ring.name;
  }

  slotIova(slot: number): number {
    return this.base + slot * this.descBytes;
  }

  /** Slots from `from` forward to `to`, modulo the ring size. */
  distance(from: number, to: number): number {
    const d = to - from;
    return d < 0 ? d + this.count : d;
  }

  /** Handed over and not yet consumed. */
  unconsumed(): number {
    return this.distance(this.fetchCursor, this.tail);
  }

  /** Reads a slot's descriptor through DMA into the scratch buffer; false on a fault. */
  fetch(ctx: SimContext, slot: number, tag: string): DataView | undefined {
    return ctx.dma.copyOut(this.slotIova(slot), this.scratch, 0, this.descBytes, tag)
      ? this.scratchView
      : undefined;
  }

  keepSnapshot(slot: number): void {
    this.snapshot.set(this.scratch, slot * this.descBytes);
  }

  /** Whether the scratch (just fetched) differs from the slot's hand-over snapshot. */
  changedSinceHandOver(slot: number): boolean {
    const at = slot * this.descBytes;
    for (let i = 0; i < this.descBytes; i++)
      if (this.scratch[i] !== this.snapshot[at + i]) return true;
    return false;
  }
}

function bitSet(view: DataView, ref: DescBitRef): boolean {
  return (maskable(readDescField(view, ref.offset, ref.type), ref.type) & ref.mask) !== 0;
}

export class RingModelPlugin implements SimPlugin {
  readonly name = 'ring-model';
  private ctx!: SimContext;
  private readonly units = new Map<string, RingUnit>();
  private readonly queue: RingDeviceEvent[] = [];
  /** A running frame number, so every received frame's bytes differ. */
  private frameNumber = 0;

  attach(ctx: SimContext): void {
    this.ctx = ctx;
    for (const ring of ctx.ir.rings) {
      const unit = new RingUnit(ctx.ir, ring);
      this.units.set(ring.name, unit);
      const { bar, tail, head, baseLo, baseHi, length } = unit.regs;
      ctx.watchWrite(bar, tail, (value) => this.tailWritten(unit, value));
      ctx.watchWrite(bar, head, (value) => this.headWritten(unit, value));
      for (const offset of [baseLo, baseHi, length]) {
        ctx.watchWrite(bar, offset, () => this.layoutWritten(unit));
      }
    }
  }

  powerOn(): void {}

  receive(): RxOutcome {
    this.ctx.note('frame dropped: the ring model receives only through receiveInto()');
    return 'dropped';
  }

  close(): void {
    this.units.clear();
  }

  /** Everything the device did since the last call, oldest first. */
  drain(): RingDeviceEvent[] {
    return this.queue.splice(0);
  }

  isEnabled(ring: string): boolean {
    return this.unit(ring).enabled;
  }

  /** The device's head of `ring` (its own copy, which it also keeps in the register). */
  head(ring: string): number {
    return this.unit(ring).head;
  }

  /** Sets how many bytes each RX buffer of `ring` holds (as a buffer-size register would). */
  setRxBufferBytes(ring: string, bytes: number): void {
    this.unit(ring).rxBufferBytes = bytes;
  }

  /**
   * Enables the ring: reads base, length, head and tail from the registers (a head that
   * software cannot write starts at 0) and fetches whatever is already handed over.
   */
  enable(ring: string): void {
    const u = this.unit(ring);
    const file = this.ctx.regs.bar(u.regs.bar);
    const bytes = file.peek(u.regs.length);
    u.base = file.peek(u.regs.baseLo) + file.peek(u.regs.baseHi) * TWO_POW_32;
    u.count = u.descBytes > 0 ? Math.floor(bytes / u.descBytes) : 0;
    if (u.count < 1 || u.count * u.descBytes !== bytes) {
      this.violation(
        u,
        'RING_LENGTH',
        `length register holds ${bytes} bytes, not a whole number of ${u.descBytes}-byte descriptors`,
      );
    }
    if (!u.headWritable) file.poke(u.regs.head, 0);
    u.head = u.headWritable ? file.peek(u.regs.head) : 0;
    u.tail = u.head;
    u.fetchCursor = u.head;
    u.consumed.length = 0;
    u.late.length = 0;
    u.snapshot = new Uint8Array(Math.max(0, u.count) * u.descBytes);
    u.enabled = u.count >= 1;
    if (u.enabled && u.head >= u.count) {
      this.violation(u, 'RING_HEAD_RANGE', `head ${u.head} is outside a ring of ${u.count} slots`);
      u.enabled = false;
    }
    if (u.enabled) this.tailWritten(u, file.peek(u.regs.tail));
  }

  /** Disables the ring: the device forgets its slots and writes nothing more back. */
  disable(ring: string): void {
    const u = this.unit(ring);
    u.enabled = false;
    u.consumed.length = 0;
    u.late.length = 0;
  }

  /** TX: consumes up to `k` handed-over slots (reads each buffer). Returns how many. */
  consume(ring: string, k: number): number {
    const u = this.unit(ring);
    let n = 0;
    while (u.enabled && n < k && u.unconsumed() > 0) {
      const slot = u.fetchCursor;
      const view = this.refetch(u, slot);
      const { buffer, length } = this.decodeData(u, view);
      const txData = new Uint8Array(length);
      const ok = this.ctx.dma.copyOut(buffer, txData, 0, length, 'tx-data');
      this.queue.push({
        kind: 'consumed',
        ring: u.name,
        slot,
        faulted: !ok,
        txData: ok ? txData : new Uint8Array(0),
      });
      u.consumed.push({ slot });
      u.fetchCursor = (slot + 1) % u.count;
      n++;
    }
    return n;
  }

  /**
   * RX: writes a frame into as many handed-over slots as it needs (rxBufferBytes each),
   * or drops it when they are not there. Returns whether it was taken.
   */
  receiveInto(ring: string, frame: ModelRxFrame): boolean {
    const u = this.unit(ring);
    const needed = Math.max(1, Math.ceil(frame.length / u.rxBufferBytes));
    if (!u.enabled || u.unconsumed() < needed) {
      this.queue.push({
        kind: 'rx-dropped',
        ring: u.name,
        length: frame.length,
        descriptors: needed,
      });
      return false;
    }
    const number = this.frameNumber++;
    for (let i = 0, offset = 0; i < needed; i++) {
      const slot = u.fetchCursor;
      const view = this.refetch(u, slot);
      const { buffer } = this.decodeData(u, view);
      const chunk = Math.min(u.rxBufferBytes, frame.length - offset);
      const data = frameBytes(number, offset, chunk);
      const ok = this.ctx.dma.copyIn(buffer, data, 0, chunk, 'rx-data');
      const eop = i === needed - 1;
      const rx = { length: chunk, eop, errors: eop ? frame.errors : 0 };
      this.queue.push({ kind: 'consumed', ring: u.name, slot, faulted: !ok, rx: { ...rx, data } });
      u.consumed.push({ slot, rx });
      u.fetchCursor = (slot + 1) % u.count;
      offset += chunk;
    }
    return true;
  }

  /**
   * Writes back up to `k` consumed slots in order and moves the head past them. With
   * `late`, the done bits are held back until writeLate(). Returns how many.
   */
  complete(ring: string, k: number, late = false): number {
    const u = this.unit(ring);
    let n = 0;
    while (u.enabled && n < k && u.consumed.length > 0) {
      const c = u.consumed.shift()!;
      this.writeFields(u, c);
      const report = this.reportRequested(u, c.slot);
      const doneWritten = !late && report;
      if (doneWritten) this.setDone(u, c.slot);
      else if (report) u.late.push(c);
      u.head = (c.slot + 1) % u.count;
      this.ctx.regs.bar(u.regs.bar).poke(u.regs.head, u.head);
      this.queue.push({ kind: 'completed', ring: u.name, slot: c.slot, doneWritten });
      n++;
    }
    return n;
  }

  /** Writes the done bits held back by a late completion, oldest first. */
  writeLate(ring: string): number {
    const u = this.unit(ring);
    let n = 0;
    while (u.enabled && u.late.length > 0) {
      const c = u.late.shift()!;
      this.setDone(u, c.slot);
      this.queue.push({ kind: 'written-late', ring: u.name, slot: c.slot });
      n++;
    }
    return n;
  }

  // ---- register writes -----------------------------------------------------------

  private tailWritten(u: RingUnit, value: number): void {
    if (!u.enabled) return;
    if (!Number.isInteger(value) || value >= u.count) {
      this.violation(
        u,
        'RING_TAIL_RANGE',
        `tail written ${value}, outside a ring of ${u.count} slots`,
      );
      return;
    }
    const owned = u.distance(u.head, u.tail);
    const added = u.distance(u.tail, value);
    if (owned + added >= u.count) {
      this.violation(
        u,
        'RING_TAIL_OVERRUN',
        `tail moved from ${u.tail} to ${value} past the head ${u.head}: software handed over slots the device still owns (or made a full ring look empty)`,
      );
      return;
    }
    for (let i = 0; i < added; i++) this.handOver(u, (u.tail + i) % u.count, i === added - 1);
    u.tail = value;
  }

  private headWritten(u: RingUnit, value: number): void {
    if (!u.enabled) return;
    this.violation(
      u,
      'RING_HEAD_WRITE',
      `software wrote ${value} to the head register while the ring is enabled; the device owns it`,
    );
    // The device keeps its own head, whatever software stored.
    this.ctx.regs.bar(u.regs.bar).poke(u.regs.head, u.head);
  }

  private layoutWritten(u: RingUnit): void {
    if (u.enabled)
      this.violation(
        u,
        'RING_REPROGRAMMED',
        'base or length register written while the ring is enabled',
      );
  }

  // ---- descriptors -----------------------------------------------------------------

  /** A slot changes hands: fetch it and check what `on post` promises. */
  private handOver(u: RingUnit, slot: number, lastHandedOver: boolean): void {
    const view = u.fetch(this.ctx, slot, 'ring-desc');
    if (!view) return;
    u.keepSnapshot(slot);
    const r = u.ring;
    const buffer = r.post.find((p) => p.source === 'buffer');
    const length = r.post.find((p) => p.source === 'length');
    const descriptor: FetchedDescriptor = {
      buffer: buffer ? readDescField(view, buffer.offset, buffer.type) : 0,
      length: length ? readDescField(view, length.offset, length.type) : undefined,
      last: r.lastOfFrame ? bitSet(view, r.lastOfFrame) : undefined,
      report: r.reportStatus ? bitSet(view, r.reportStatus) : undefined,
      done: bitSet(view, r.done),
    };
    if (descriptor.done) {
      this.violation(
        u,
        'RING_STALE_DONE',
        `slot ${slot} was handed over with ${r.done.field}.${r.done.bit} still set`,
      );
    }
    if (descriptor.report === false && lastHandedOver) {
      this.violation(
        u,
        'RING_NO_REPORT',
        `slot ${slot}, the last one handed over, lacks ${r.reportStatus!.field}.${r.reportStatus!.bit}: the device will never report it or the slots before it done`,
      );
    }
    for (const p of r.post) {
      if (p.source !== 'const') continue;
      // Bits the ring sets per descriptor: end of frame, and report status (batched reports).
      let mask = -1;
      if (r.lastOfFrame && r.lastOfFrame.offset === p.offset) mask &= ~r.lastOfFrame.mask;
      if (r.reportStatus && r.reportStatus.offset === p.offset) mask &= ~r.reportStatus.mask;
      const seen = maskable(readDescField(view, p.offset, p.type), p.type) & mask;
      const want = maskable(asStored(p.value ?? 0, p.type), p.type) & mask;
      if (seen >>> 0 !== want >>> 0) {
        this.violation(
          u,
          'RING_POST_FIELD',
          `slot ${slot}: ${p.field} is 0x${(seen >>> 0).toString(16)} at hand-over, the spec posts 0x${(want >>> 0).toString(16)}`,
        );
      }
    }
    this.queue.push({ kind: 'fetched', ring: u.name, slot, descriptor });
  }

  /** Fetches a slot again when the device works on it; it must not have changed. */
  private refetch(u: RingUnit, slot: number): DataView {
    const view = u.fetch(this.ctx, slot, 'ring-desc');
    if (!view) return new DataView(new ArrayBuffer(u.descBytes));
    if (u.changedSinceHandOver(slot)) {
      this.violation(
        u,
        'RING_DESC_CHANGED',
        `slot ${slot} changed after it was handed to the device`,
      );
    }
    return view;
  }

  private decodeData(u: RingUnit, view: DataView): { buffer: number; length: number } {
    const buffer = u.ring.post.find((p) => p.source === 'buffer');
    const length = u.ring.post.find((p) => p.source === 'length');
    return {
      buffer: buffer ? readDescField(view, buffer.offset, buffer.type) : 0,
      length: length ? readDescField(view, length.offset, length.type) : 0,
    };
  }

  /** TX: whether the slot asks for a write-back (always, when the spec declares no report bit). */
  private reportRequested(u: RingUnit, slot: number): boolean {
    const report = u.ring.reportStatus;
    if (!report || u.ring.direction !== 'tx') return true;
    return bitInSnapshot(u, slot, report);
  }

  /** RX: length, errors and end-of-packet, written before the done bit. */
  private writeFields(u: RingUnit, c: Consumed): void {
    const r = u.ring;
    if (!c.rx) return;
    const at = u.slotIova(c.slot);
    if (r.lengthField)
      this.dmaWriteField(at + r.lengthField.offset, r.lengthField.type, c.rx.length);
    if (r.errorsField)
      this.dmaWriteField(at + r.errorsField.offset, r.errorsField.type, c.rx.errors);
    if (r.eop) this.dmaUpdateBit(at, r.eop, c.rx.eop);
  }

  private setDone(u: RingUnit, slot: number): void {
    this.dmaUpdateBit(u.slotIova(slot), u.ring.done, true);
  }

  private dmaWriteField(iova: number, type: DescBitRef['type'], value: number): void {
    const dma = this.ctx.dma;
    if (type === 'u8') dma.writeU8(iova, value, 'ring-writeback');
    else if (type === 'u16') dma.writeU16(iova, value, 'ring-writeback');
    else if (type === 'u32') dma.writeU32(iova, value, 'ring-writeback');
    else dma.writeU64(iova, value, 'ring-writeback');
  }

  /** Read-modify-write of one bit of a descriptor field (u64: its low word). */
  private dmaUpdateBit(descIova: number, ref: DescBitRef, on: boolean): void {
    const dma = this.ctx.dma;
    const iova = descIova + ref.offset;
    const type = ref.type === 'u64' ? 'u32' : ref.type;
    const old =
      type === 'u8'
        ? dma.readU8(iova, 'ring-writeback')
        : type === 'u16'
          ? dma.readU16(iova, 'ring-writeback')
          : dma.readU32(iova, 'ring-writeback');
    const value = on ? old | ref.mask : old & ~ref.mask;
    this.dmaWriteField(iova, type, value >>> 0);
  }

  private unit(ring: string): RingUnit {
    const u = this.units.get(ring);
    if (!u) throw new Error(`the ring model has no ring ${ring}`);
    return u;
  }

  private violation(u: RingUnit, code: string, message: string): void {
    this.ctx.violation(code, `ring ${u.name}: ${message}`, { bar: u.regs.bar });
  }
}

/** Whether `ref` is set in the slot's hand-over snapshot (fields wider than a byte). */
function bitInSnapshot(u: RingUnit, slot: number, ref: DescBitRef): boolean {
  const view = new DataView(
    u.snapshot.buffer,
    u.snapshot.byteOffset + slot * u.descBytes,
    u.descBytes,
  );
  return bitSet(view, ref);
}

/** A prime stride between frames' byte patterns, so consecutive frames never look alike. */
const FRAME_PATTERN_STRIDE = 131;

/** The bytes of frame `number` from `offset`: every frame and position differs. */
export function frameBytes(number: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (number * FRAME_PATTERN_STRIDE + offset + i) & 0xff;
  return out;
}
