/**
 * A pool of fixed-size packet buffers carved out of one DMA region, handed out by index.
 * The free list is a stack of indices in an Int32Array: alloc and free are a load and a
 * store, and nothing allocates after construction. A buffer's IOVA and byte offset are
 * arithmetic on its index.
 *
 * Views: `view(i, length)` returns a Uint8Array over the first `length` bytes of buffer
 * i. Creating a view allocates, so each buffer keeps its last view and reuses it when
 * the length repeats (steady traffic: never a new one); callers must not keep a view
 * past the call it was handed to them in.
 */
import type { DmaAllocator, DmaRegion } from '../../runtime/types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';

/** Buffers start on this boundary (a cache line: 8254x DMA bursts, §3.2.2). */
const BUFFER_ALIGN_BYTES = 128;
const NOT_CACHED = -1;
/** Stored first in the IOVA table so its elements stay generic (see `iovas`). */
const GENERIC_ELEMENTS = 'iova';

export class BufferPool {
  readonly region: DmaRegion;
  /** The region's bytes; buffer i is [offset(i), offset(i) + bufferBytes). */
  readonly bytes: Uint8Array;
  private readonly freeList: Int32Array;
  private top: number;
  /** 1 while a buffer is handed out: catches a double free at once. */
  private readonly out: Uint8Array;
  private readonly views: Uint8Array[];
  private readonly viewLengths: Int32Array;
  /**
   * Each buffer's IOVA, made once and kept as a JS number object: IOVAs are above 2^30
   * (the twin's start at 4 GiB), so a computed one passed to a call V8 does not inline
   * would be boxed afresh — an allocation per descriptor. An array that also holds a
   * non-number keeps generic elements, which store the boxes themselves, so handing one
   * to ring.post() passes the existing box and allocates nothing.
   */
  private readonly iovas: unknown[];

  private constructor(
    region: DmaRegion,
    readonly count: number,
    readonly bufferBytes: number,
    readonly name: string,
  ) {
    this.region = region;
    this.bytes = region.u8;
    this.freeList = new Int32Array(count);
    // Hand out low indices first: buffer 0 first, as a reader of the event log expects.
    for (let i = 0; i < count; i++) this.freeList[i] = count - 1 - i;
    this.top = count;
    this.out = new Uint8Array(count);
    this.views = new Array<Uint8Array>(count);
    this.viewLengths = new Int32Array(count).fill(NOT_CACHED);
    this.iovas = [GENERIC_ELEMENTS];
    for (let i = 0; i < count; i++) this.iovas[i] = region.iova + i * bufferBytes;
  }

  /** `count` buffers of `bufferBytes` each, in one region from `dma`. */
  static allocate(dma: DmaAllocator, count: number, bufferBytes: number, name: string): BufferPool {
    const stride = Math.ceil(bufferBytes / BUFFER_ALIGN_BYTES) * BUFFER_ALIGN_BYTES;
    if (stride !== bufferBytes) {
      throw new NicdlError(
        'E_BUFFER_SIZE',
        `${name} buffers of ${bufferBytes} bytes: the size must be a multiple of ${BUFFER_ALIGN_BYTES}`,
        ExitCode.usage,
        {
          bufferBytes,
        },
      );
    }
    return new BufferPool(
      dma.alloc(count * bufferBytes, BUFFER_ALIGN_BYTES),
      count,
      bufferBytes,
      name,
    );
  }

  /**
   * Throws E_POOL_SIZE unless the pool has a buffer for each of a ring's `slots`: a queue
   * binding slot i to buffer i (`binding`, e.g. "slot i receives into buffer i") needs it.
   */
  requireBufferPerSlot(slots: number, binding: string): void {
    if (this.count >= slots) return;
    throw new NicdlError(
      'E_POOL_SIZE',
      `${this.name} pool of ${this.count} buffers is smaller than its ring of ${slots} slots (${binding})`,
      ExitCode.internal,
      { buffers: this.count, slots },
    );
  }

  /** Buffers free now. */
  get available(): number {
    return this.top;
  }

  /** Bytes of DMA memory the pool holds. */
  get sizeBytes(): number {
    return this.count * this.bufferBytes;
  }

  /** A free buffer's index, or -1 when none is left. */
  alloc(): number {
    if (this.top === 0) return -1;
    const index = this.freeList[--this.top];
    this.out[index] = 1;
    return index;
  }

  /**
   * Hand out buffer `index` in particular (it must be free): for a ring that used buffer i
   * for slot i outside the pool and now shares the pool. A search of the free list: call
   * it once per buffer at such a change, not per packet.
   */
  take(index: number): void {
    for (let i = 0; i < this.top; i++) {
      if (this.freeList[i] !== index) continue;
      this.freeList[i] = this.freeList[--this.top];
      this.out[index] = 1;
      return;
    }
    throw new NicdlError(
      'E_POOL_TAKE',
      `${this.name} buffer ${index} is not free`,
      ExitCode.internal,
      { index },
    );
  }

  /** Give buffer `index` back. Throws E_POOL_FREE if it is not handed out (double free). */
  free(index: number): void {
    if (this.out[index] !== 1) this.throwNotOut(index);
    this.out[index] = 0;
    this.freeList[this.top++] = index;
  }

  /** Take every buffer back (after the device stopped and the rings were reset). */
  reset(): void {
    for (let i = 0; i < this.count; i++) this.freeList[i] = this.count - 1 - i;
    this.top = this.count;
    this.out.fill(0);
  }

  /** The address the device uses for buffer `index`. */
  iova(index: number): number {
    return this.iovas[index] as number;
  }

  /** Every buffer's IOVA by index (read-only: for ring.postBound(), slot i = buffer i). */
  iovaTable(): ArrayLike<number> {
    return this.iovas as ArrayLike<number>;
  }

  /** Byte offset of buffer `index` in `bytes`. */
  offset(index: number): number {
    return index * this.bufferBytes;
  }

  /** A view of the first `length` bytes of buffer `index` (reused while the length repeats). */
  view(index: number, length: number): Uint8Array {
    return this.viewLengths[index] === length ? this.views[index] : this.newView(index, length);
  }

  /** Kept out of view(), which is on every received frame's path and best inlined whole. */
  private newView(index: number, length: number): Uint8Array {
    const start = index * this.bufferBytes;
    this.views[index] = this.bytes.subarray(start, start + length);
    this.viewLengths[index] = length;
    return this.views[index];
  }

  /** Return the region to `dma`. The pool must not be used afterwards. */
  release(dma: DmaAllocator): void {
    dma.free(this.region);
  }

  private throwNotOut(index: number): never {
    throw new NicdlError(
      'E_POOL_FREE',
      `${this.name} buffer ${index} freed but not handed out (double free or foreign index)`,
      ExitCode.internal,
      {
        pool: this.name,
        index,
      },
    );
  }
}

/**
 * TypedArray.prototype.set, held in a constant. Optimized code for `dst.set(src, at)`
 * looks `set` up through a generic LoadIC on every call (V8 11, Node 20: it does not
 * fold that load for typed arrays); called through a constant it goes straight to the
 * copy builtin, about 3 ns less per frame copied.
 */
const typedArraySet = Uint8Array.prototype.set;

/** Copy all of `src` into `dst` from `dstOffset` (a whole frame into a buffer): memcpy, no allocation. */
export function copyInto(dst: Uint8Array, src: Uint8Array, dstOffset: number): void {
  typedArraySet.call(dst, src, dstOffset);
}

/**
 * Copy `n` bytes from `src[srcOffset..]` to `dst[dstOffset..]`: a frame's part that
 * lands in a buffer of its own. The subarray view costs one small allocation, but the
 * copy is then a memcpy: a byte loop took about 1 ns a byte (9 us for a 9000-byte frame),
 * and TypedArray.set takes only whole arrays.
 */
export function copyChunk(
  dst: Uint8Array,
  dstOffset: number,
  src: Uint8Array,
  srcOffset: number,
  n: number,
): void {
  typedArraySet.call(dst, src.subarray(srcOffset, srcOffset + n), dstOffset);
}
