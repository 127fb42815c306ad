/**
 * Zero-copy transmit (runtime/nic.ts TxBuffers): the caller takes a TX buffer, writes a
 * frame into it in place and sends it; the queue takes the buffer back when its
 * descriptor completes (tx.ts reclaim). Buffer bytes are never cleared, so a generator
 * fills each buffer once and resends it (no copy per frame, §3.3.3: the device reads the
 * frame straight from the buffer the descriptor points at).
 *
 * While the caller sends buffers in the order it took them (a generator, a forwarder),
 * the buffers are those of the ring's next free slots (tx.ts slot mode): no pool free
 * list is touched per frame, and a buffer is free when its slot is, so alloc() gives -1
 * once every free slot's buffer is taken. Sending or giving back out of that order makes
 * the queue share its pool from then on (buffers from the free list; same contract).
 */
import type { TxBuffers } from '../../runtime/nic.js';
import { ETH_HEADER_BYTES } from '../../runtime/packet/ethernet.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { TxQueue } from './tx.js';

/**
 * A module-local copy: send() runs per frame, and optimized code reads an imported binding
 * with a TDZ check at each use (about 4 instructions a frame, callgrind txz b32).
 */
const MIN_FRAME_BYTES = ETH_HEADER_BYTES;

export class TxQueueBuffers implements TxBuffers {
  readonly count: number;
  readonly bufferBytes: number;
  /** The longest frame one buffer sends: the smaller of the buffer and maxFrameBytes. */
  private readonly maxLength: number;

  constructor(private readonly queue: TxQueue) {
    this.count = queue.pool.count;
    this.bufferBytes = queue.pool.bufferBytes;
    this.maxLength = Math.min(this.bufferBytes, queue.maxFrameBytes);
  }

  alloc(): number {
    const queue = this.queue;
    if (!queue.pooled) return queue.lendSlotBuffer();
    const pool = queue.pool;
    if (pool.available === 0) queue.reclaim();
    return pool.alloc();
  }

  bytes(id: number): Uint8Array {
    return this.queue.pool.view(id, this.bufferBytes);
  }

  send(id: number, length: number): boolean {
    if (length < MIN_FRAME_BYTES || length > this.maxLength) throw this.sizeError(length);
    return this.queue.queueBuffer(id, length);
  }

  free(id: number): void {
    const queue = this.queue;
    if (!queue.pooled && queue.returnSlotBuffer(id)) return;
    queue.pool.free(id);
  }

  private sizeError(length: number): NicdlError {
    return new NicdlError(
      'E_FRAME_SIZE',
      `a zero-copy frame of ${length} bytes: one TX buffer sends ${ETH_HEADER_BYTES}..${this.maxLength} bytes (larger frames go through transmit(), which spreads them over several buffers)`,
      ExitCode.usage,
      { bytes: length, min: ETH_HEADER_BYTES, max: this.maxLength },
    );
  }
}
