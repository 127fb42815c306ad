/**
 * The descriptor ring every generated ring class extends: index bookkeeping, the free
 * count, posting, the doorbell, completion and reclaim. The generated subclass supplies
 * only what its spec declares: how a slot is filled on post, which bit says "done", and
 * (RX) where the written-back length, end-of-packet and error bits are.
 *
 * Ownership, as in every Intel NIC ring:
 * - software owns the TAIL. It keeps the tail in memory (`next`), hands slots to the
 *   device by writing the tail register once per burst (`flush`), and never reads it back;
 * - the device owns the HEAD. Software never writes it, except in `init()`, which must be
 *   called while the ring is disabled. Software learns that a slot is back from the
 *   descriptor's done bit, not from the head register;
 * - head == tail means "the device has nothing", so software keeps one slot unused:
 *   a ring of `count` slots holds at most `count - 1` posted buffers, and full != empty.
 *
 * Slot states, walking forward from `clean`:
 *   [clean, tailWritten)   handed to the device (the device owns [head, tailWritten))
 *   [tailWritten, next)    filled by software, not yet handed over (flush() hands them)
 *   [next, clean - 1)      free
 *
 * Status reports (TX rings whose spec declares a `report` bit, e.g. cmd.RS): the device
 * writes a done bit back only for descriptors that carry the report bit, and each
 * write-back is a DMA write. With `reportEvery` N > 1 the ring sets the bit on every Nth
 * descriptor posted and on the last descriptor each flush() hands over, and clears it on
 * the others. A slot is complete when the reported slot covering it — the first reported
 * slot at or after it — has its done bit (the device works in order); nextCompleted()
 * then yields every slot up to and including that one. Because each flush ends on a
 * reported slot, every slot handed over is covered. N = 1 (the default) reports every
 * descriptor.
 *
 * Hot paths (post, flush, nextCompleted) allocate nothing and touch only plain numbers
 * and typed arrays.
 */
import type { DmaAllocator, DmaRegion, Mmio } from '../types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';

/** What a ring declaration says, resolved to numbers by the generator. */
export interface RingLayout {
  /** Ring name in the spec, e.g. "tx". */
  name: string;
  direction: 'tx' | 'rx';
  /** Descriptor format `post` writes, and its size in bytes. */
  descriptor: string;
  descriptorBytes: number;
  count: { min: number; max: number; step: number; default: number };
  /** Required alignment of the ring's base address, in bytes. */
  alignBytes: number;
  /** Default buffer bytes per slot, and the most one slot may carry. */
  buffer: { default: number; max: number };
  /** Byte offsets of the ring's registers in their BAR. */
  registers: { baseLo: number; baseHi: number; length: number; head: number; tail: number };
  /** Register names, for messages. */
  registerNames: { head: string; tail: string };
  /**
   * TX: the descriptor bit asking the device to write the done bit back (e.g. "cmd.RS"),
   * when the ring may leave it clear on some descriptors (`reportEvery` > 1): the spec
   * declares it and it sits at the same place in every format the ring accepts. Absent:
   * every descriptor reports (or completes on its own).
   */
  reportBit?: string;
}

export interface RingOptions {
  /** Slots in the ring; the spec's default when absent. */
  count?: number;
  /** Bytes per posted RX buffer; the spec's default when absent. */
  bufferBytes?: number;
  /**
   * Checked mode: before software writes or reclaims a slot, read the head register and
   * throw E_RING_OWNERSHIP if the device owns that slot. Costs one MMIO read per slot:
   * for tests and the device twin. Real hardware may write a descriptor back slightly
   * before its head register moves, so use it there only to debug.
   */
  checked?: boolean;
  /**
   * TX rings with a report bit (RingLayout.reportBit): set it on at least every Nth
   * descriptor and on the last one each flush() hands over; clear it on the others, so
   * the device writes fewer done bits back. 1 (the default) reports every descriptor.
   * Values at or above the ring size report only at flush(). Other rings accept only 1.
   */
  reportEvery?: number;
}

/** One completed slot, as `completed()` yields it. The object is reused: copy what you keep. */
export interface RingCompletion {
  slot: number;
  /** The IOVA posted into the slot. */
  buffer: number;
  /** The caller's number given to `post` (e.g. a buffer-pool index). */
  cookie: number;
  /** TX: the bytes posted. RX: the bytes the device wrote. */
  length: number;
  /** TX: posted as the last descriptor of its frame. RX: the device's end-of-packet bit. */
  eop: boolean;
  /** RX: the descriptor's error bits (0 when none, or for TX). */
  errors: number;
}

/** 2^32, the weight of a base address's high register. */
const TWO_POW_32 = 0x1_0000_0000;

function ringError(
  code: string,
  layout: RingLayout,
  message: string,
  detail: Record<string, unknown>,
): NicdlError {
  return new NicdlError(code, `ring ${layout.name}: ${message}`, ExitCode.usage, {
    ring: layout.name,
    ...detail,
  });
}

/**
 * The slot count, buffer size and report interval a ring will use, checked against the
 * spec's limits.
 */
export function ringConfig(
  layout: RingLayout,
  options: RingOptions = {},
): { count: number; bufferBytes: number; reportEvery: number } {
  const { min, max, step } = layout.count;
  const count = options.count ?? layout.count.default;
  const limits = { count, min, max, step };
  if (!Number.isInteger(count) || count < min || count > max) {
    throw ringError(
      'E_RING_SIZE',
      layout,
      `count ${count} is outside ${min}..${max} (step ${step})`,
      limits,
    );
  }
  if (count % step !== 0) {
    throw ringError(
      'E_RING_SIZE',
      layout,
      `count ${count} is not a multiple of ${step} (allowed ${min}..${max} step ${step})`,
      limits,
    );
  }
  const bufferBytes = options.bufferBytes ?? layout.buffer.default;
  if (!Number.isInteger(bufferBytes) || bufferBytes < 1 || bufferBytes > layout.buffer.max) {
    throw ringError(
      'E_RING_BUFFER',
      layout,
      `buffer size ${bufferBytes} bytes is outside 1..${layout.buffer.max}`,
      {
        bufferBytes,
        max: layout.buffer.max,
      },
    );
  }
  return { count, bufferBytes, reportEvery: reportInterval(layout, options.reportEvery) };
}

/** `reportEvery` checked: a whole number >= 1, and > 1 only where the ring can batch reports. */
function reportInterval(layout: RingLayout, reportEvery: number | undefined): number {
  const n = reportEvery ?? 1;
  if (!Number.isInteger(n) || n < 1) {
    throw ringError(
      'E_RING_REPORT',
      layout,
      `reportEvery ${n} is not a whole number of descriptors >= 1`,
      { reportEvery: n },
    );
  }
  if (n > 1 && layout.reportBit === undefined) {
    throw ringError(
      'E_RING_REPORT',
      layout,
      `reportEvery ${n}: this ring has no report bit it can leave clear (a TX ring needs a \`report\` bit at the same place in every descriptor format it accepts); use 1`,
      { reportEvery: n },
    );
  }
  return n;
}

export abstract class DescriptorRing {
  // Fields the constructor sets are `declare`d: a class field would be defined as
  // undefined first and then overwritten, which costs V8 its constant-field fast path.
  declare readonly layout: RingLayout;
  declare readonly mmio: Mmio;
  declare readonly region: DmaRegion;
  declare readonly count: number;
  /** Bytes each RX `refill` posts; for TX, the default the spec names. */
  declare readonly bufferBytes: number;
  declare readonly checked: boolean;
  declare protected readonly u8: Uint8Array;
  declare protected readonly u16: Uint16Array;
  declare protected readonly u32: Uint32Array;
  declare protected readonly view: DataView;
  /** Byte offset of the tail register (the doorbell), and the most bytes one slot carries. */
  declare private readonly tailOffset: number;
  declare private readonly maxLength: number;

  /** Next slot software fills: the value the tail register gets on flush. */
  private nextSlot = 0;
  /** Oldest slot handed over and not yet completed. */
  private cleanSlot = 0;
  /** What the tail register holds (software's copy; never read back). */
  private tailWritten = 0;
  /** Slots posted and not yet completed: [clean, next). */
  private used = 0;
  /** Descriptors between status reports (1: every descriptor reports). */
  declare readonly reportEvery: number;
  /** Descriptors posted since the last one with the report bit. */
  private sinceReport = 0;
  /** The reported slot covering the oldest unreported one, once looked up; -1 when not known. */
  private coverSlot = -1;

  // Per-slot bookkeeping software needs back at completion; what the descriptor itself
  // still holds (posted length, end-of-frame bit) is read from it instead of copied here.
  declare private readonly iovas: Float64Array;
  declare private readonly cookies: Float64Array;
  /** 1 for each slot posted with the report bit (every slot when reportEvery is 1). */
  declare private readonly reported: Uint8Array;
  /**
   * The table of postBound() / postOwnBuffer(), and how many slots in a row (from where
   * their posting began) already hold that table's IOVA as cookie, record and descriptor
   * address. Once that covers the ring, a post through them stores none of these again
   * (fillKeepingBuffer()); post(), reserve(), commit() and init() start the count over.
   */
  private boundTable: ArrayLike<number> | undefined;
  private boundSlots = 0;
  private readonly out: RingCompletion = {
    slot: 0,
    buffer: 0,
    cookie: 0,
    length: 0,
    eop: false,
    errors: 0,
  };
  declare private readonly iterator: CompletionIterator;

  protected constructor(
    layout: RingLayout,
    mmio: Mmio,
    region: DmaRegion,
    options: RingOptions = {},
  ) {
    const { count, bufferBytes, reportEvery } = ringConfig(layout, options);
    const bytes = count * layout.descriptorBytes;
    if (region.iova % layout.alignBytes !== 0) {
      throw ringError(
        'E_RING_ALIGN',
        layout,
        `base 0x${region.iova.toString(16)} is not ${layout.alignBytes}-byte aligned`,
        {
          iova: region.iova,
          align: layout.alignBytes,
        },
      );
    }
    if (region.size < bytes) {
      throw ringError(
        'E_RING_REGION',
        layout,
        `region of ${region.size} bytes is smaller than ${count} x ${layout.descriptorBytes} = ${bytes}`,
        {
          regionBytes: region.size,
          neededBytes: bytes,
        },
      );
    }
    this.layout = layout;
    this.mmio = mmio;
    this.region = region;
    this.count = count;
    this.bufferBytes = bufferBytes;
    this.reportEvery = reportEvery;
    this.checked = options.checked ?? false;
    this.u8 = region.u8;
    this.u16 = region.u16;
    this.u32 = region.u32;
    this.view = region.view;
    this.tailOffset = layout.registers.tail;
    this.maxLength = layout.buffer.max;
    this.iovas = new Float64Array(count);
    this.cookies = new Float64Array(count);
    // With a report on every descriptor every slot stays reported: set once, here, so
    // postBound() need not count reports.
    this.reported = new Uint8Array(count).fill(reportEvery === 1 ? 1 : 0);
    this.iterator = new CompletionIterator(this, this.out);
  }

  /** Allocates a region sized and aligned for the ring (count checked first). */
  static allocateRegion(
    layout: RingLayout,
    dma: DmaAllocator,
    options: RingOptions = {},
  ): DmaRegion {
    const { count } = ringConfig(layout, options);
    return dma.alloc(count * layout.descriptorBytes, layout.alignBytes);
  }

  /** Bytes of descriptor memory the ring uses (what the length register gets). */
  get bytes(): number {
    return this.count * this.layout.descriptorBytes;
  }

  /** Next slot software fills (software's tail). */
  get tail(): number {
    return this.nextSlot;
  }

  /** Oldest slot not yet completed. */
  get clean(): number {
    return this.cleanSlot;
  }

  /** Slots filled but not yet handed to the device (flush() hands them over). */
  get pending(): number {
    return this.distance(this.tailWritten, this.nextSlot);
  }

  /** Slots posted and not yet completed. */
  get inUse(): number {
    return this.used;
  }

  /** Slots software may post now: one slot always stays empty so full != empty. */
  free(): number {
    return this.count - 1 - this.used;
  }

  /**
   * Programs the ring's registers: base, length, head = tail = 0, and forgets every
   * posted slot. The only place the runtime writes the head register: call it while the
   * ring is disabled (before setting the enable bit, or after clearing it).
   */
  init(): void {
    const r = this.layout.registers;
    this.u8.fill(0, 0, this.bytes);
    this.nextSlot = this.cleanSlot = this.tailWritten = this.used = 0;
    this.sinceReport = 0;
    this.coverSlot = -1;
    this.boundSlots = 0;
    this.mmio.write32(r.baseLo, this.region.iova >>> 0);
    this.mmio.write32(r.baseHi, Math.floor(this.region.iova / TWO_POW_32));
    this.mmio.write32(r.length, this.bytes);
    this.mmio.write32(r.head, 0);
    this.mmio.write32(r.tail, 0);
  }

  /**
   * Fills the next slot with a buffer at `iova` of `length` bytes (per the spec's
   * `on post`). Returns false when the ring is full. Hands nothing to the device:
   * call flush() once per burst. `last` = false posts a non-final fragment of a frame.
   */
  post(iova: number, length: number, cookie = 0, last = true): boolean {
    if (!(length > 0 && length <= this.maxLength)) this.throwLength(length);
    if (this.used === this.count - 1) return false;
    const slot = this.nextSlot;
    if (this.checked) this.checkOwnership('post', slot);
    const report = this.takeReport(slot);
    this.fill(slot, iova, length, last, report);
    this.iovas[slot] = iova;
    this.cookies[slot] = cookie;
    this.boundSlots = 0;
    this.advance(slot);
    return true;
  }

  /**
   * Posts the next `n` slots (at most free()), each slot `s` with the buffer at
   * `iovaOfSlot[s]` of `bufferBytes` and cookie `s`: what `n` post() calls in a row do for
   * a receive ring whose slot i always takes buffer i, with the per-call checks made once
   * (an RX refill is the whole free part of the ring on every receive burst).
   */
  postBound(n: number, iovaOfSlot: ArrayLike<number>): void {
    if (!(n >= 0 && n <= this.free()))
      throw ringError('E_RING_FULL', this.layout, `cannot post ${n} slots: ${this.free()} free`, {
        slots: n,
        free: this.free(),
      });
    if (this.checked) {
      for (let i = 0; i < n; i++) {
        const slot = this.nextSlot;
        this.post(iovaOfSlot[slot], this.bufferBytes, slot);
      }
      return;
    }
    this.useTable(iovaOfSlot);
    // Posting runs on from where the last postBound() stopped, so once boundSlots reaches
    // the ring size every slot already holds what would be stored: its records, and in
    // the descriptor the address, unless the device's write-back overwrites it
    // (fillKeepingBuffer() knows which).
    const record = this.boundSlots < this.count;
    if (record) this.boundSlots += n;
    const everyReports = this.reportEvery === 1;
    const bytes = this.bufferBytes;
    let slot = this.nextSlot;
    for (let i = 0; i < n; i++) {
      const report = everyReports || this.takeReport(slot);
      if (record) this.fillRecording(slot, iovaOfSlot[slot], bytes, report);
      else this.fillKeepingBuffer(slot, iovaOfSlot, bytes, true, report);
      slot = slot + 1 === this.count ? 0 : slot + 1;
    }
    this.nextSlot = slot;
    this.used += n;
  }

  /**
   * Writes into every slot the address of its own buffer, `iovaOfSlot[s]`, and records it,
   * as a first cycle of postOwnBuffer() or postBound() over the whole ring would: from the
   * first post on, they store no address and no record (fillKeepingBuffer()). Call it on an
   * empty ring, after init(); nothing is handed to the device. A post(), reserve() or
   * commit() makes the ring record again, as it would have without this call.
   */
  bindBuffers(iovaOfSlot: ArrayLike<number>): void {
    if (this.used !== 0)
      throw ringError('E_RING_STATE', this.layout, 'bindBuffers() with slots posted', {
        inUse: this.used,
      });
    if (this.checked) return; // checked mode posts through post(), which records anyway
    // Free slots: what fill() writes besides the address is rewritten at their post.
    for (let slot = 0; slot < this.count; slot++)
      this.fillRecording(slot, iovaOfSlot[slot], this.bufferBytes, false);
    this.boundTable = iovaOfSlot;
    this.boundSlots = this.count;
  }

  /**
   * Posts the next slot `s` with its own buffer, at `iovaOfSlot[s]`, holding `length`
   * bytes, cookie `s`, as the last (or only) descriptor of its frame: post() for a
   * transmit ring whose slot i always sends from buffer i. With postBound()'s bookkeeping,
   * once every slot holds that table's IOVA the address and the per-slot records are not
   * stored again (fillKeepingBuffer()). False when the ring is full.
   */
  postOwnBuffer(length: number, iovaOfSlot: ArrayLike<number>): boolean {
    if (!(length > 0 && length <= this.maxLength)) this.throwLength(length);
    if (this.used === this.count - 1) return false;
    // Kept short for the per-frame path (V8 inlines small functions): the first cycle of
    // the ring, a new table and checked mode take postOwnRecording().
    if (this.boundSlots < this.count || iovaOfSlot !== this.boundTable)
      return this.postOwnRecording(length, iovaOfSlot);
    const slot = this.nextSlot;
    this.fillKeepingBuffer(slot, iovaOfSlot, length, true, this.takeReport(slot));
    this.advance(slot);
    return true;
  }

  /**
   * postOwnBuffer() of a checked length into a free slot while not every slot holds the
   * table's IOVA: stores it and records it.
   */
  private postOwnRecording(length: number, iovaOfSlot: ArrayLike<number>): boolean {
    const slot = this.nextSlot;
    if (this.checked) return this.post(iovaOfSlot[slot], length, slot);
    this.useTable(iovaOfSlot);
    this.fillRecording(slot, iovaOfSlot[slot], length, this.takeReport(slot));
    this.boundSlots++;
    this.advance(slot);
    return true;
  }

  /** Posts up to `n` buffers; returns how many fit. One flush() afterwards hands them all over. */
  postBurst(
    iovas: ArrayLike<number>,
    lengths: ArrayLike<number>,
    n: number,
    cookies?: ArrayLike<number>,
  ): number {
    let i = 0;
    for (; i < n; i++) {
      if (!this.post(iovas[i], lengths[i], cookies === undefined ? 0 : cookies[i])) break;
    }
    return i;
  }

  /**
   * The next slot to fill directly (e.g. with a context descriptor through its codec),
   * or -1 when full. Nothing changes until commit().
   */
  reserve(): number {
    if (this.used === this.count - 1) return -1;
    if (this.checked) this.checkOwnership('post', this.nextSlot);
    // The caller writes the slot through a codec, maybe over a kept buffer address, and
    // may abandon it without commit(): a later postOwnBuffer() must write that slot whole.
    this.boundSlots = 0;
    return this.nextSlot;
  }

  /**
   * Takes the slot reserve() returned, written by the caller through a codec, as posted
   * (with no buffer of the ring's own). It completes like any other slot. Where the ring
   * has a report bit (RingLayout.reportBit) commit sets or clears it by the ring's rule,
   * whatever the caller wrote; on other rings, write the descriptor so the device
   * reports it, or the ring stops at this slot.
   */
  commit(cookie = 0): void {
    if (this.used === this.count - 1)
      throw ringError(
        'E_RING_FULL',
        this.layout,
        'commit() on a full ring; call reserve() first',
        {},
      );
    const slot = this.nextSlot;
    this.setReport(slot, this.takeReport(slot));
    this.iovas[slot] = 0;
    this.cookies[slot] = cookie;
    this.boundSlots = 0;
    this.advance(slot);
  }

  /**
   * Hands every filled slot to the device with one tail write; none when nothing is new.
   * The last slot handed over gets the report bit if it lacks it, so every slot handed
   * over is covered by a report and a lone frame (a ping) completes.
   */
  flush(): void {
    const next = this.nextSlot;
    if (next === this.tailWritten) return;
    const last = (next === 0 ? this.count : next) - 1;
    if (this.reported[last] === 0) {
      this.setReport(last, true);
      this.reported[last] = 1;
    }
    this.sinceReport = 0;
    this.tailWritten = next;
    this.mmio.write32(this.tailOffset, next);
  }

  /**
   * If the oldest handed-over slot is done (by the spec's completion rule; a slot posted
   * without the report bit, by the done bit of the reported slot covering it), takes it
   * back: clears its done bit so a stale bit is never seen after wraparound, and returns
   * the slot number; else -1. The slot's buffer, cookie and (RX) written-back fields stay
   * readable until the slot is posted again.
   */
  nextCompleted(): number {
    const slot = this.cleanSlot;
    if (slot === this.tailWritten || !this.slotDone(slot)) return -1;
    this.release(slot);
    return slot;
  }

  /**
   * Takes back the oldest handed-over slot, which the caller has just read done (a receive
   * loop reads that status byte for its end-of-packet bit anyway): nextCompleted() without
   * reading the descriptor again. Returns the slot; E_RING_STATE when none is handed over.
   */
  takeOldest(): number {
    const slot = this.cleanSlot;
    if (slot === this.tailWritten) this.throwNothingHandedOver();
    this.release(slot);
    return slot;
  }

  /** Takes back `slot`, the oldest handed-over one, known done. */
  private release(slot: number): void {
    if (this.checked) this.checkOwnership('reclaim', slot);
    // Only a reported slot has a done bit to clear; taking it ends its covered run.
    if (this.reportsAt(slot)) {
      this.clearDone(slot);
      this.coverSlot = -1;
    }
    this.cleanSlot = slot + 1 === this.count ? 0 : slot + 1;
    this.used--;
  }

  /**
   * Takes back every completed slot, oldest first; returns how many (from `clean` as it
   * was). Their buffers, cookies and written-back fields stay readable until posted again.
   * A run of slots up to a reported one completes with it: one descriptor read per run.
   */
  reclaim(): number {
    if (this.checked) {
      let taken = 0;
      while (this.nextCompleted() >= 0) taken++;
      return taken;
    }
    let n = 0;
    while (this.cleanSlot !== this.tailWritten) {
      const last = this.coveringReport(this.cleanSlot);
      if (last < 0 || !this.isDone(last)) break;
      this.clearDone(last);
      const run = this.distance(this.cleanSlot, last) + 1;
      this.cleanSlot = last + 1 === this.count ? 0 : last + 1;
      this.used -= run;
      n += run;
    }
    this.coverSlot = -1;
    return n;
  }

  /**
   * Completed slots, oldest first, taken back as they are yielded. Allocates nothing:
   * the iterator and the yielded object are reused, so copy what you keep.
   */
  completed(): IterableIterator<RingCompletion> {
    return this.iterator;
  }

  /**
   * Whether `slot` was posted with the report bit (every slot when reportEvery is 1, or
   * when the ring has none): only such slots get a done bit back.
   */
  reportsAt(slot: number): boolean {
    // With a report on every descriptor (every RX ring) the field says so without a table
    // read: release() asks this for every frame taken back.
    return this.reportEvery === 1 || this.reported[slot] !== 0;
  }

  /** The IOVA posted into `slot`. */
  bufferAt(slot: number): number {
    return this.iovas[slot];
  }

  /** The cookie posted with `slot`. */
  cookieAt(slot: number): number {
    return this.cookies[slot];
  }

  /** The device's head register (a diagnostic read; the ring never needs it). */
  deviceHead(): number {
    return this.mmio.read32(this.layout.registers.head);
  }

  /**
   * Fills `out` for completed `slot`. Generated rings override it to add what the
   * descriptor says: TX the posted length and end-of-frame bit, RX the written-back ones.
   */
  describe(slot: number, out: RingCompletion): void {
    out.slot = slot;
    out.buffer = this.iovas[slot];
    out.cookie = this.cookies[slot];
    out.length = 0;
    out.eop = true;
    out.errors = 0;
  }

  /**
   * Writes slot `slot` as the spec's `on post` says; `report` = false leaves the report
   * bit clear (rings with RingLayout.reportBit; others always get true).
   */
  protected abstract fill(
    slot: number,
    iova: number,
    length: number,
    last: boolean,
    report: boolean,
  ): void;
  /**
   * fill() for a slot that was posted with its own buffer, at `iovaOfSlot[slot]`, and not
   * written by software since (postOwnBuffer(), postBound()). Generated rings whose device
   * never writes over the address (no `writeback` view placing other fields there) leave
   * it alone and never read the table: the per-frame path then loads no address at all
   * (a table read costs a bounds check even when its value goes unused). By default the
   * whole slot is written.
   */
  protected fillKeepingBuffer(
    slot: number,
    iovaOfSlot: ArrayLike<number>,
    length: number,
    last: boolean,
    report: boolean,
  ): void {
    this.fill(slot, iovaOfSlot[slot], length, last, report);
  }
  /** The spec's completion rule for `slot` (e.g. status.DD set). */
  protected abstract isDone(slot: number): boolean;
  /** Clears the done bit of `slot`. */
  protected abstract clearDone(slot: number): void;

  /**
   * Sets or clears the report bit of an already written `slot` (flush, commit). Rings with
   * RingLayout.reportBit override it; elsewhere there is no bit the ring may touch.
   */
  protected setReport(_slot: number, _on: boolean): void {}

  /**
   * Whether the device is done with `slot` (the oldest handed over): its own done bit when
   * it was reported, else the done bit of the reported slot covering it.
   */
  protected slotDone(slot: number): boolean {
    if (this.reportsAt(slot)) return this.isDone(slot);
    let cover = this.coverSlot;
    if (cover < 0) {
      cover = this.coveringReport(slot);
      if (cover < 0) return false;
      this.coverSlot = cover;
    }
    return this.isDone(cover);
  }

  /** Whether the descriptor posted into `slot` asks for a report; counts it. */
  private takeReport(slot: number): boolean {
    const report = ++this.sinceReport >= this.reportEvery;
    if (report) this.sinceReport = 0;
    this.reported[slot] = report ? 1 : 0;
    return report;
  }

  /**
   * The first reported slot from `slot` up to the last one handed over, or -1. flush()
   * ends every hand-over on a reported slot, so for a handed-over slot there is one.
   */
  private coveringReport(slot: number): number {
    const end = this.tailWritten;
    for (let s = slot; s !== end; s = s + 1 === this.count ? 0 : s + 1) {
      if (this.reported[s] !== 0) return s;
    }
    return -1;
  }

  /**
   * Own-buffer posts (postBound, postOwnBuffer) take slot addresses from `table` from now
   * on; a table other than the bound one starts the count of bound slots over.
   */
  private useTable(table: ArrayLike<number>): void {
    if (table === this.boundTable) return;
    this.boundTable = table;
    this.boundSlots = 0;
  }

  /**
   * fill() of `slot` with its own buffer at `iova` as the last descriptor of its frame, and
   * the slot's records: that IOVA, and the slot number as cookie.
   */
  private fillRecording(slot: number, iova: number, length: number, report: boolean): void {
    this.fill(slot, iova, length, true, report);
    this.iovas[slot] = iova;
    this.cookies[slot] = slot;
  }

  /** `slot`, just written, is posted: the next one is software's to fill. */
  private advance(slot: number): void {
    this.nextSlot = slot + 1 === this.count ? 0 : slot + 1;
    this.used++;
  }

  /** Slots from `from` forward to `to`, modulo the ring size. */
  private distance(from: number, to: number): number {
    const d = to - from;
    return d < 0 ? d + this.count : d;
  }

  /**
   * Checked mode: the device's head must lie within what software handed over
   * ([clean, tailWritten]), and `slot` must not be one the device owns ([head, tailWritten)).
   */
  private checkOwnership(action: 'post' | 'reclaim', slot: number): void {
    const head = this.deviceHead();
    const facts = { head, tail: this.tailWritten, clean: this.cleanSlot, slot, action };
    const handed = this.distance(this.cleanSlot, this.tailWritten);
    if (head >= this.count || this.distance(this.cleanSlot, head) > handed) {
      throw ringError(
        'E_RING_OWNERSHIP',
        this.layout,
        `device head ${this.layout.registerNames.head}=${head} is outside the slots handed to it (${this.cleanSlot}..${this.tailWritten})`,
        facts,
      );
    }
    if (this.distance(head, slot) < this.distance(head, this.tailWritten)) {
      throw ringError(
        'E_RING_OWNERSHIP',
        this.layout,
        `software would ${action} slot ${slot}, which the device owns (${this.layout.registerNames.head}=${head}, ${this.layout.registerNames.tail}=${this.tailWritten})`,
        facts,
      );
    }
  }

  private throwNothingHandedOver(): never {
    throw ringError('E_RING_STATE', this.layout, 'takeOldest() with no slot handed over', {
      clean: this.cleanSlot,
      tail: this.tailWritten,
    });
  }

  private throwLength(length: number): never {
    throw ringError(
      'E_RING_LENGTH',
      this.layout,
      `cannot post ${length} bytes into one slot (1..${this.layout.buffer.max})`,
      {
        length,
        max: this.layout.buffer.max,
      },
    );
  }
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The reusable iterator behind DescriptorRing.completed(). */
class CompletionIterator implements IterableIterator<RingCompletion> {
  private readonly result: IteratorYieldResult<RingCompletion>;

  constructor(
    private readonly ring: DescriptorRing,
    private readonly out: RingCompletion,
  ) {
    this.result = { done: false, value: out };
  }

  next(): IteratorResult<RingCompletion, undefined> {
    const slot = this.ring.nextCompleted();
    if (slot < 0) return DONE;
    this.ring.describe(slot, this.out);
    return this.result;
  }

  [Symbol.iterator](): IterableIterator<RingCompletion> {
    return this;
  }
}
