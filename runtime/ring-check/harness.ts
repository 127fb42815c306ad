/**
 * One run of the ring suite: a fresh device side (model or twin), the spec's generated
 * ring class on it, a pool of DMA buffers, the plain model (ring-model.ts) and the
 * ownership auditor. Each suite command calls one method here; the method acts, then
 * `settle()` folds in what the device did and checks every invariant. The first broken
 * invariant throws a RingCheckFailure naming the slot, the post and the rule.
 *
 * The software side here is what a careful driver does — posts whole frames, never
 * posts a buffer the consumer still holds, flushes once per burst — so a failure points
 * at the spec, the generated ring, the runtime or (with a mutant) the planted defect.
 *
 * Batched status reports (TX rings built with reportEvery N > 1): at each flush the suite
 * reads which slots carry the report bit (where the spec says it is) and holds the ring to
 * its rule — the last slot handed over reports, and no N slots in a row go unreported —
 * and a slot may come back only once the reported slot covering it is done.
 */
import type { Device as IrDevice, Ring } from '../../spec/ir.js';
import type { SimDevice } from '../sim/device.js';
import { frameBytes } from '../sim/ring-device.js';
import { DescriptorRing, type RingCompletion, type RingLayout } from '../support/ring.js';
import type { DmaRegion } from '../types.js';
import { maskable, readDescField } from '../sim/desc-fields.js';
import type { DeviceSide, RxFrameRequest, SideEvent, SideFactory } from './device-side.js';
import type { GeneratedRing, GeneratedRingClass } from './generated-rings.js';
import { OwnershipAuditor, type HeldBuffer } from './ownership-auditor.js';
import { RingModel, type PostedSlot } from './ring-model.js';

/** A broken ring invariant: the message says which rule, slot and post. */
export class RingCheckFailure extends Error {
  override readonly name = 'RingCheckFailure';
}

export interface RunSetup {
  ir: IrDevice;
  ring: Ring;
  RingClass: GeneratedRingClass;
  /** The generated layout constant the class is built on (to size its region). */
  layout: RingLayout;
  side: SideFactory;
  count: number;
  /** Bytes per buffer as the driver configures the ring and the device. */
  bufferBytes: number;
  /** Bytes per buffer actually allocated (smaller only in a planted defect). */
  allocBytes: number;
  /** Build the ring in checked mode (it then reads the head before touching a slot). */
  checked: boolean;
  /** The ring's report interval (RingOptions.reportEvery): 1 reports every descriptor. */
  reportEvery: number;
  /** RX: put taken-back buffers straight back in the pool (a planted defect). */
  recycleBeforeRelease?: boolean;
}

/** Pool buffers per ring slot: RX needs room for what the consumer holds as well. */
const RX_BUFFERS_PER_SLOT = 1.5;

export class RingHarness {
  readonly side: DeviceSide;
  readonly device: SimDevice;
  readonly ring: GeneratedRing;
  readonly model: RingModel;
  readonly notes = new Set<string>();
  private readonly tx: boolean;
  private readonly buffers: DmaRegion[] = [];
  /** Free buffers, oldest returned first (so every buffer gets reused). */
  private readonly pool: number[] = [];
  /** RX buffers taken back and not yet released by their consumer, oldest first. */
  private readonly held: number[] = [];
  private readonly poisonIova: number;
  private readonly auditor: OwnershipAuditor;
  private readonly headOffset: number;
  private readonly tailOffset: number;
  private readonly bar: number;
  private faultsSeen = 0;
  private violationsSeen = 0;
  /** TX slots handed over whose frame has not been seen on the wire (sides with a wire). */
  private wireQueue: PostedSlot[] = [];
  /** Poisoned slots the device consumed since the last settle. */
  private poisonedConsumed = 0;
  /** TX slots handed over in a row without the report bit, up to the last flush. */
  private unreportedRun = 0;

  constructor(readonly setup: RunSetup) {
    const { ir, ring, count } = setup;
    this.tx = ring.direction === 'tx';
    this.side = setup.side.open(ir, ring, { rxBufferBytes: setup.bufferBytes });
    this.device = this.side.device;
    const reg = (name: string) =>
      ir.registers.find((r) => r.name === name && r.space === undefined)!;
    this.bar = reg(ring.registers.tail).bar;
    this.headOffset = reg(ring.registers.head).offset;
    this.tailOffset = reg(ring.registers.tail).offset;
    // new, not the class's static allocate(): a subclass (a planted defect) must be what runs.
    const ringOptions = {
      count,
      bufferBytes: setup.bufferBytes,
      checked: setup.checked,
      reportEvery: setup.reportEvery,
    };
    const region = DescriptorRing.allocateRegion(setup.layout, this.device.dma, ringOptions);
    this.ring = new setup.RingClass(this.device.bar(this.bar), region, ringOptions);
    this.model = new RingModel(count);
    const buffers = this.tx ? count : Math.ceil(RX_BUFFERS_PER_SLOT * count);
    for (let i = 0; i < buffers; i++) {
      this.buffers.push(this.device.dma.alloc(setup.allocBytes));
      this.pool.push(i);
    }
    // An IOVA that was mapped once and is not any more: what a use-after-free posts.
    const poison = this.device.dma.alloc(setup.allocBytes);
    this.poisonIova = poison.iova;
    this.device.dma.free(poison);
    this.auditor = new OwnershipAuditor(
      this.device,
      {
        bar: this.bar,
        headOffset: this.headOffset,
        tailOffset: this.tailOffset,
        headName: ring.registers.head,
        tailName: ring.registers.tail,
        base: this.ring.region.iova,
        descBytes: this.ring.layout.descriptorBytes,
        count,
      },
      () => this.side.enabled(),
      () => this.heldBuffers(),
    );
    this.ring.init();
    this.side.setEnabled(true);
    this.settle();
    this.model.stats.commands = 0;
  }

  close(): void {
    this.auditor.close();
    this.side.close();
  }

  // ---- software steps ---------------------------------------------------------------

  /** TX: posts a frame of `lengths.length` fragments (a full ring must refuse; short of room: wait). */
  postFrame(lengths: readonly number[]): void {
    if (this.model.free === 0) return this.expectRefusal(lengths[0]);
    if (this.model.free < lengths.length) {
      // A careful driver posts a frame whole or not at all: it waits for room.
      return this.settle();
    }
    this.auditor.tailWrites = 0;
    for (let i = 0; i < lengths.length; i++) this.postOne(lengths[i], i === lengths.length - 1);
    this.expectNoTailWrite('post()');
    this.settle();
  }

  /** TX: posts single-fragment frames with one postBurst() call. */
  postBurst(lengths: readonly number[]): void {
    const take = Math.min(lengths.length, this.pool.length);
    const picked = this.pool.splice(0, take);
    const iovas = picked.map((b) => this.buffers[b].iova);
    const cookies = picked.map((_, i) => this.model.peekId() + i);
    for (let i = 0; i < take; i++) this.fillTx(picked[i], cookies[i], lengths[i]);
    const before = this.ring.region.u8.slice(0, this.ringBytes());
    const first = this.model.next;
    this.auditor.tailWrites = 0;
    const accepted = this.ring.postBurst(iovas, lengths, take, cookies);
    this.expectNoTailWrite('postBurst()');
    const expected = Math.min(take, this.model.free);
    if (accepted !== expected) {
      this.fail(
        `postBurst of ${take} with ${this.model.free} free accepted ${accepted}, expected ${expected}`,
      );
    }
    for (let i = 0; i < accepted; i++) this.record(picked[i], iovas[i], lengths[i], true);
    this.pool.unshift(...picked.slice(accepted));
    if (accepted < take)
      this.expectUnchanged(before, first, accepted, 'a full ring refused the rest of a burst');
    if (accepted < take) this.model.stats.refusedPosts++;
    this.settle();
  }

  /** RX: hands `n` empty buffers to the ring (refused ones are checked to change nothing). */
  refill(n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.model.free === 0) return this.expectRefusal(this.setup.bufferBytes);
      const b = this.pool.shift();
      if (b === undefined) break; // every buffer is posted or with its consumer: wait for a release
      this.auditor.tailWrites = 0;
      this.postRx(b);
      this.expectNoTailWrite('refill()');
    }
    this.settle();
  }

  /** Posts a buffer whose IOVA is no longer mapped: the device's DMA must fault, the ring must not care. */
  postUnmapped(length: number): void {
    if (this.model.free === 0) return this.expectRefusal(length);
    const id = this.model.peekId();
    const ok = this.tx
      ? this.ring.post(this.poisonIova, length, id, true)
      : this.postRxIova(this.poisonIova, id);
    if (!ok) this.fail(`post refused with ${this.model.free} slots free`);
    this.model.post(this.poisonIova, this.tx ? length : this.setup.bufferBytes, true, true, -1);
    this.settle();
  }

  flush(): void {
    const pending = this.model.pending;
    this.auditor.tailWrites = 0;
    this.ring.flush();
    const handed = this.model.flush();
    this.expectDistinctBuffers(handed);
    this.checkReports(handed);
    if (this.tx && this.side.can.txWire) this.wireQueue.push(...handed);
    const writes = this.auditor.tailWrites;
    if (writes !== (pending > 0 ? 1 : 0)) {
      this.fail(
        `flush with ${pending} new slot(s) wrote the tail register ${writes} time(s); expected ${pending > 0 ? 1 : 0}`,
      );
    }
    this.settle();
  }

  /** Takes back up to `max` completed slots and checks each against what was posted and written back. */
  harvest(max: number): void {
    const ready = this.model.reclaimable();
    let taken = 0;
    for (const c of this.ring.completed()) {
      const s = this.model.slots[0];
      if (!s) this.fail(`the ring returned slot ${c.slot} (cookie ${c.cookie}) from an empty ring`);
      if (taken >= ready) this.fail(this.tooEarly(s, c.slot));
      this.checkCompletion(s, c);
      this.model.take();
      this.giveBack(s);
      if (++taken === max) break;
    }
    if (taken < Math.min(max, ready)) {
      const s = this.model.slots[0];
      const cover = this.model.coverOf(0)!;
      this.fail(
        s === cover
          ? `the device wrote back slot ${s.slot} (post #${s.id}) and the ring did not return it`
          : `the device wrote back slot ${cover.slot} (post #${cover.id}), which covers slot ${s.slot} (post #${s.id}, posted without a report), and the ring did not return slot ${s.slot}`,
      );
    }
    this.settle();
  }

  /** RX: the consumer releases its `n` oldest buffers. */
  release(n: number): void {
    for (const b of this.held.splice(0, n)) if (!this.pool.includes(b)) this.pool.push(b);
    this.settle();
  }

  /** Ring reset: disable, init() (the only head write), enable. Nothing posted before survives. */
  reset(): void {
    this.side.setEnabled(false);
    this.ring.init();
    this.side.setEnabled(true);
    for (const s of this.model.reset()) {
      if (s.buffer < 0) continue;
      this.pool.push(s.buffer);
    }
    this.wireQueue = [];
    this.unreportedRun = 0;
    this.settle();
  }

  // ---- device steps -----------------------------------------------------------------

  consume(k: number): void {
    this.device.scanCpuWrites();
    this.side.consume(k);
    this.settle();
  }

  receive(frames: readonly RxFrameRequest[]): void {
    this.device.scanCpuWrites();
    this.side.receive(frames);
    this.settle();
  }

  complete(k: number, late: boolean): void {
    this.device.scanCpuWrites();
    this.side.complete(k, late);
    this.settle();
  }

  writeLate(): void {
    this.device.scanCpuWrites();
    this.side.writeLate();
    this.settle();
  }

  // ---- status reports -----------------------------------------------------------------

  /**
   * Reads the report bit of each slot just handed over (TX rings whose spec declares one)
   * and checks the ring's rule: the last slot of a flush reports (else the device would
   * never say it or anything before it is done), and at most reportEvery - 1 slots in a
   * row do not.
   */
  private checkReports(handed: readonly PostedSlot[]): void {
    const bit = this.setup.ring.reportStatus;
    for (const s of handed) {
      s.reported = !this.tx || bit === undefined || this.reportBitSet(s.slot);
      if (s.reported) {
        this.unreportedRun = 0;
        continue;
      }
      this.model.stats.unreportedSlots++;
      if (++this.unreportedRun >= this.setup.reportEvery) {
        this.fail(
          `${this.unreportedRun} slot(s) in a row up to slot ${s.slot} (post #${s.id}) went to the device without ${bit!.field}.${bit!.bit}; with reportEvery ${this.setup.reportEvery} at most ${this.setup.reportEvery - 1} may`,
        );
      }
    }
    const last = handed[handed.length - 1];
    if (last && !last.reported) {
      this.fail(
        `flush handed over slot ${last.slot} (post #${last.id}) last without ${bit!.field}.${bit!.bit}: the device will never report it${handed.length > 1 ? `, or the ${handed.length - 1} slot(s) handed over before it,` : ''} done`,
      );
    }
  }

  private reportBitSet(slot: number): boolean {
    const bit = this.setup.ring.reportStatus!;
    const view = this.ring.region.view;
    const at = slot * this.ring.layout.descriptorBytes + bit.offset;
    return (maskable(readDescField(view, at, bit.type), bit.type) & bit.mask) !== 0;
  }

  /** Why slot `slot`, at the front of the model, must not have come back yet. */
  private tooEarly(s: PostedSlot, slot: number): string {
    const what = `the ring returned slot ${slot} (post #${s.id})`;
    if (s.reported)
      return `${what} before the device wrote its done bit (the device has it ${s.state})`;
    const bit = this.setup.ring.reportStatus!;
    const cover = this.model.coverOf(0);
    return cover
      ? `${what}, posted without ${bit.field}.${bit.bit}, before the reported slot covering it was done (slot ${cover.slot}, post #${cover.id}: the device has it ${cover.state}; slot ${slot}: ${s.state})`
      : `${what}, posted without ${bit.field}.${bit.bit}, while no reported slot covers it (the device has it ${s.state})`;
  }

  // ---- posting ----------------------------------------------------------------------

  private postOne(length: number, last: boolean): void {
    const b = this.pool.shift();
    if (b === undefined) this.fail('the TX buffer pool ran dry with room in the ring (suite bug)');
    const id = this.model.peekId();
    this.fillTx(b, id, length);
    if (!this.ring.post(this.buffers[b].iova, length, id, last))
      this.fail(`post refused with ${this.model.free} slots free`);
    this.record(b, this.buffers[b].iova, length, last);
  }

  private postRx(b: number): void {
    const id = this.model.peekId();
    if (!this.postRxIova(this.buffers[b].iova, id))
      this.fail(`refill refused with ${this.model.free} slots free`);
    this.record(b, this.buffers[b].iova, this.setup.bufferBytes, true);
  }

  private postRxIova(iova: number, cookie: number): boolean {
    return this.ring.refill
      ? this.ring.refill(iova, cookie)
      : this.ring.post(iova, this.setup.bufferBytes, cookie);
  }

  private record(b: number, iova: number, length: number, last: boolean): void {
    this.model.post(iova, length, last, false, b);
  }

  /** Writes post #id's bytes into TX buffer `b` (as much of them as the buffer holds). */
  private fillTx(b: number, id: number, length: number): void {
    const region = this.buffers[b];
    region.u8.set(frameBytes(id, 0, Math.min(length, region.size)));
  }

  /**
   * A buffer handed to the device is in no other slot not yet taken back, and (RX) not
   * one a consumer holds: it was released first.
   */
  private expectDistinctBuffers(handed: readonly PostedSlot[]): void {
    for (const s of handed) {
      if (s.poisoned) continue;
      const twin = this.model.slots.find((o) => o !== s && o.iova === s.iova);
      if (twin) {
        this.fail(
          `slot ${s.slot} (post #${s.id}) hands over the buffer of slot ${twin.slot} (post #${twin.id}), not yet taken back`,
        );
      }
      if (this.held.some((b) => this.buffers[b].iova === s.iova)) {
        this.fail(
          `slot ${s.slot} (post #${s.id}) hands over an RX buffer its consumer has not released`,
        );
      }
    }
  }

  /** Posting fills slots; only flush() may hand them over. */
  private expectNoTailWrite(what: string): void {
    this.checkAuditor();
    if (this.auditor.tailWrites > 0) {
      this.fail(
        `${what} wrote the tail register ${this.setup.ring.registers.tail}: only flush() may hand slots to the device`,
      );
    }
  }

  /** A full ring: post() must say no and leave every descriptor as it was. */
  private expectRefusal(length: number): void {
    const iova = this.pool.length > 0 ? this.buffers[this.pool[0]].iova : this.poisonIova;
    const before = this.ring.region.u8.slice(0, this.ringBytes());
    const ok = this.ring.post(iova, length, this.model.peekId(), true);
    if (ok)
      this.fail(
        `post accepted on a full ring (${this.model.inFlight} of ${this.model.count} slots in flight)`,
      );
    this.expectUnchanged(before, this.model.next, 0, 'a full ring refused a post');
    this.model.stats.refusedPosts++;
    this.settle();
  }

  /** Every descriptor byte is as `before`, except the `n` slots just posted from `first`. */
  private expectUnchanged(before: Uint8Array, first: number, n: number, what: string): void {
    const now = this.ring.region.u8;
    const slotBytes = this.ring.layout.descriptorBytes;
    const count = this.model.count;
    for (let i = 0; i < before.length; i++) {
      const slot = Math.floor(i / slotBytes);
      if ((slot - first + count) % count < n) continue;
      if (now[i] !== before[i]) this.fail(`${what}, yet descriptor slot ${slot} changed`);
    }
  }

  /** A slot taken back: TX buffers return to the pool, RX buffers go to their consumer. */
  private giveBack(s: PostedSlot): void {
    if (s.buffer < 0) return;
    if (this.tx) {
      this.pool.push(s.buffer);
    } else {
      this.held.push(s.buffer);
      // A planted defect: the buffer is reusable before its consumer released it.
      if (this.setup.recycleBeforeRelease) this.pool.push(s.buffer);
    }
  }

  private checkCompletion(s: PostedSlot, c: RingCompletion): void {
    const r = this.setup.ring;
    const want = this.tx
      ? { length: s.length, eop: s.last, errors: 0 }
      : {
          length: r.lengthField ? s.rx!.length : s.length,
          eop: r.eop ? s.rx!.eop : true,
          errors: r.errorsField ? s.rx!.errors : 0,
        };
    const got = {
      slot: c.slot,
      buffer: c.buffer,
      cookie: c.cookie,
      length: c.length,
      eop: c.eop,
      errors: c.errors,
    };
    const expected = { slot: s.slot, buffer: s.iova, cookie: s.id, ...want };
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      if (got[key] !== expected[key]) {
        this.fail(
          `slot ${s.slot} (post #${s.id}) came back with ${key} ${show(got[key])}, expected ${show(expected[key])}`,
        );
      }
    }
    if (!this.tx && !s.poisoned && s.rx) {
      const data = this.buffers[s.buffer].u8;
      for (let i = 0; i < s.rx.length; i++) {
        if (data[i] !== s.rx.data[i])
          this.fail(
            `slot ${s.slot} (post #${s.id}): byte ${i} of the received data differs from what the device wrote`,
          );
      }
    }
  }

  // ---- settling -----------------------------------------------------------------------

  /** Folds in what the device did, then checks every invariant. */
  settle(): void {
    this.model.stats.commands++;
    this.device.scanCpuWrites();
    // The rules software broke, and the device's own complaints, say more than their effects.
    this.checkAuditor();
    this.checkViolations();
    const poisonFaults = this.checkFaults();
    for (const e of this.side.drain()) this.apply(e);
    if (this.poisonedConsumed > 0 && poisonFaults === 0)
      this.fail('the device used an unmapped buffer and no IOMMU fault was recorded');
    this.poisonedConsumed = 0;
    if (this.tx && !this.side.can.consume && this.side.enabled()) {
      const stuck = this.model.oldest('handed');
      if (stuck)
        this.fail(
          `the device did not take slot ${stuck.slot} (post #${stuck.id}) after the tail write handed it over`,
        );
    }
    this.checkIndices();
  }

  private apply(e: SideEvent): void {
    const m = this.model;
    switch (e.kind) {
      case 'fetched': {
        const s = m.slots.find((x) => x.state === 'handed' && !x.fetched);
        if (!s || s.slot !== e.slot)
          return this.fail(
            `the device fetched slot ${e.slot}, which software did not just hand over`,
          );
        s.fetched = true;
        return this.checkFetched(s, e.descriptor);
      }
      case 'consumed': {
        const s = m.oldest('handed');
        if (!s || s.slot !== e.slot)
          return this.fail(
            `the device took slot ${e.slot}, but the oldest slot handed over is ${s ? s.slot : 'none'}`,
          );
        s.state = 'consumed';
        if (s.poisoned) this.poisonedConsumed++;
        if (e.rx) s.rx = e.rx;
        if (e.rx?.eop) m.stats.rxFrames++;
        if (e.txData && !s.poisoned) this.checkTxData(s, e.txData);
        return;
      }
      case 'completed': {
        const s = m.oldest('consumed');
        if (!s || s.slot !== e.slot)
          return this.fail(
            `the device completed slot ${e.slot}, but the oldest slot it took is ${s ? s.slot : 'none'}`,
          );
        if (!s.reported) {
          // Asked for no report: no done bit; the reported slot covering it says it is back.
          if (e.doneWritten) {
            const bit = this.setup.ring.reportStatus!;
            return this.fail(
              `the device wrote the done bit of slot ${s.slot} (post #${s.id}), posted without ${bit.field}.${bit.bit}: the spec's report bit is not the one the device honours`,
            );
          }
          s.state = 'passed';
          if (e.slot === m.count - 1) m.stats.headWraps++;
          return;
        }
        if (!e.doneWritten && !this.side.can.late) {
          return this.fail(
            `the device finished slot ${s.slot} (post #${s.id}) without writing its done bit: the descriptor did not ask for a status report`,
          );
        }
        s.state = e.doneWritten ? 'done' : 'late';
        if (!e.doneWritten) m.stats.lateCompletions++;
        if (e.slot === m.count - 1) m.stats.headWraps++;
        return;
      }
      case 'written-late': {
        const s = m.oldest('late');
        if (!s || s.slot !== e.slot)
          return this.fail(
            `the device wrote a late done bit into slot ${e.slot}, which it did not complete late`,
          );
        s.state = 'done';
        return;
      }
      case 'rx-dropped': {
        m.stats.rxDropped++;
        const room = m.unconsumed();
        if (room >= e.descriptors)
          this.fail(
            `the device dropped a ${e.length}-byte frame needing ${e.descriptors} slot(s) while it held ${room} empty ones`,
          );
        return;
      }
      case 'frame-out':
        return this.checkWireFrame(e.bytes);
    }
  }

  private checkFetched(
    s: PostedSlot,
    d: { buffer: number; length: number | undefined; last: boolean | undefined },
  ): void {
    if (d.buffer !== s.iova)
      this.fail(
        `slot ${s.slot} (post #${s.id}) was handed over pointing at 0x${d.buffer.toString(16)}, the buffer is at 0x${s.iova.toString(16)}`,
      );
    if (d.length !== undefined && d.length !== s.length)
      this.fail(
        `slot ${s.slot} (post #${s.id}) was handed over with length ${d.length}, ${s.length} bytes were posted`,
      );
    if (this.tx && d.last !== undefined && d.last !== s.last) {
      this.fail(
        `slot ${s.slot} (post #${s.id}) was handed over with end-of-frame ${d.last}, posted as ${s.last ? 'the last' : 'not the last'} fragment`,
      );
    }
  }

  private checkTxData(s: PostedSlot, data: Uint8Array): void {
    const want = frameBytes(s.id, 0, s.length);
    if (data.length !== want.length)
      return this.fail(
        `the device read ${data.length} bytes of slot ${s.slot}'s buffer, ${want.length} were posted`,
      );
    for (let i = 0; i < want.length; i++) {
      if (data[i] !== want[i])
        return this.fail(
          `the device read different bytes from slot ${s.slot}'s buffer (post #${s.id}) than software wrote, from byte ${i}`,
        );
    }
  }

  /** TX sides with a wire: each frame sent is the next whole frame handed over, byte for byte. */
  private checkWireFrame(bytes: Uint8Array): void {
    const end = this.wireQueue.findIndex((s) => s.last);
    if (end < 0)
      return this.fail(`the device sent a ${bytes.length}-byte frame nobody finished posting`);
    const parts = this.wireQueue.splice(0, end + 1);
    const length = parts.reduce((n, s) => n + s.length, 0);
    const ids = parts.map((s) => `#${s.id}`).join('+');
    if (bytes.length !== length)
      return this.fail(
        `the frame of post ${ids} went out with ${bytes.length} bytes, ${length} were posted`,
      );
    if (parts.some((s) => s.poisoned)) return;
    let at = 0;
    for (const s of parts) {
      const want = frameBytes(s.id, 0, s.length);
      for (let i = 0; i < want.length; i++, at++) {
        if (bytes[at] !== want[i])
          return this.fail(`the frame of post ${ids} went out damaged from byte ${at}`);
      }
    }
  }

  private checkAuditor(): void {
    if (this.auditor.problems.length > 0) this.fail(this.auditor.problems.join('; '));
  }

  /** Every new DMA fault must be one the suite provoked; returns how many of those there were. */
  private checkFaults(): number {
    const faults = this.device.faults.items;
    let poisonFaults = 0;
    for (let i = this.faultsSeen; i < faults.length; i++) {
      const f = faults[i];
      if (f.iova >= this.poisonIova && f.iova < this.poisonIova + this.setup.allocBytes) {
        poisonFaults++;
        continue;
      }
      this.fail(
        `device DMA fault: ${f.direction} of ${f.length} bytes at 0x${f.iova.toString(16)} (${f.tag}) blocked, ${f.reason}`,
      );
    }
    this.faultsSeen = faults.length;
    return poisonFaults;
  }

  private checkViolations(): void {
    const items = this.device.violations.items;
    for (let i = this.violationsSeen; i < items.length; i++) {
      const v = items[i];
      if (v.code === 'E_SIM_RO_WRITE' && v.offset === this.headOffset && v.bar === this.bar) {
        // init() programs head = 0 on every ring; a spec may declare the head read-only.
        this.notes.add(
          `init() writes ${this.setup.ring.registers.head}, which the spec declares read-only (the write is ignored)`,
        );
        continue;
      }
      this.fail(`${v.code}: ${v.message}`);
    }
    this.violationsSeen = items.length;
  }

  private checkIndices(): void {
    const r = this.ring;
    const m = this.model;
    const file = this.device.regs.bar(this.bar);
    const facts: [string, number, number][] = [
      ['software tail', r.tail, m.next],
      ['oldest slot not taken back', r.clean, m.clean],
      ['slots in flight', r.inUse, m.inFlight],
      ['free slots', r.free(), m.count - 1 - m.inFlight],
      ['slots filled and not handed over', r.pending, m.pending],
      [
        `tail register ${this.setup.ring.registers.tail}`,
        file.peek(this.tailOffset),
        m.tailWritten,
      ],
    ];
    for (const [what, got, want] of facts) {
      if (got !== want) this.fail(`${what} is ${got}, expected ${want}`);
    }
    const head = this.side.head();
    if (!(head >= 0 && head < m.count))
      this.fail(`device head ${head} is outside a ring of ${m.count} slots`);
    if (this.side.enabled() && head !== m.expectedHead())
      this.fail(`device head is ${head}, expected ${m.expectedHead()}`);
  }

  /** Buffers the device may still read or write: software must not store into them. */
  private heldBuffers(): HeldBuffer[] {
    const out: HeldBuffer[] = [];
    for (const s of this.model.slots) {
      if (s.buffer < 0 || s.state === 'filled' || s.state === 'done') continue;
      out.push({
        iova: s.iova,
        bytes: this.setup.allocBytes,
        label: `buffer of slot ${s.slot} (post #${s.id})`,
      });
    }
    return out;
  }

  private ringBytes(): number {
    return this.model.count * this.ring.layout.descriptorBytes;
  }

  private fail(message: string): never {
    throw new RingCheckFailure(
      `ring ${this.setup.ring.name} on the ${this.side.kind} device: ${message}`,
    );
  }
}

function show(v: number | boolean): string {
  return typeof v === 'number' && v > 0xffff ? `0x${v.toString(16)}` : String(v);
}
