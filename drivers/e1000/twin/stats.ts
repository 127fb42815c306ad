/**
 * The statistics block (8254x SDM rev 4.0 §13.7): counters the device increments, that
 * clear when software reads them and stick at all ones instead of wrapping. 64-bit
 * counters (GORC, GOTC, TOR, TOT) are low/high pairs; reading the low word latches the
 * high word, and reading the high word clears the pair (QEMU 7.2 behaves the same).
 */
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { STAT, STATS_HIGH_WORDS, WORD_BYTES } from './registers.js';

const SIZE_BUCKET_LIMITS = [64, 127, 255, 511, 1023] as const;
const RX_SIZE_COUNTERS = [
  STAT.PRC64,
  STAT.PRC127,
  STAT.PRC255,
  STAT.PRC511,
  STAT.PRC1023,
  STAT.PRC1522,
] as const;
const TX_SIZE_COUNTERS = [
  STAT.PTC64,
  STAT.PTC127,
  STAT.PTC255,
  STAT.PTC511,
  STAT.PTC1023,
  STAT.PTC1522,
] as const;
const SMALLEST_COUNTED_BYTES = 64;

export type Destination = 'unicast' | 'multicast' | 'broadcast';

/** Index of the size bucket (64, 65-127, ..., 1024 and up), or -1 below 64 bytes. */
function sizeBucket(bytesWithFcs: number): number {
  if (bytesWithFcs < SMALLEST_COUNTED_BYTES) return -1;
  for (let i = 0; i < SIZE_BUCKET_LIMITS.length; i++)
    if (bytesWithFcs <= SIZE_BUCKET_LIMITS[i]) return i;
  return SIZE_BUCKET_LIMITS.length;
}

export class Statistics {
  private readonly highWords = new Set(STATS_HIGH_WORDS);
  private readonly latched = new Map<number, number>();

  constructor(private readonly file: BarFile) {}

  /** A software read of a statistics register, with its clear-on-read behaviour. */
  read(offset: number): number {
    if (this.highWords.has(offset)) {
      const value = this.latched.get(offset) ?? this.file.peek(offset);
      this.latched.delete(offset);
      this.file.poke(offset, 0);
      this.file.poke(offset - WORD_BYTES, 0);
      return value;
    }
    if (this.highWords.has(offset + WORD_BYTES)) {
      this.latched.set(offset + WORD_BYTES, this.file.peek(offset + WORD_BYTES));
      return this.file.peek(offset);
    }
    const value = this.file.peek(offset);
    this.file.poke(offset, 0);
    return value;
  }

  inc(offset: number): void {
    this.file.addSaturating(offset, 1);
  }

  private add(offset: number, n: number): void {
    this.file.addSaturating(offset, n);
  }

  /**
   * Every frame the receiver saw, good or bad (TPR, TOR: "all packets received"); `frames`
   * alike at once, which leaves the counters as frame by frame would (they saturate).
   */
  rxSeen(bytesWithFcs: number, frames = 1): void {
    this.add(STAT.TPR, frames);
    this.file.addSaturating64(STAT.TORL, bytesWithFcs * frames);
  }

  /** A frame delivered to host memory (`frames` alike at once). */
  rxGood(bytesWithFcs: number, destination: Destination, frames = 1): void {
    this.add(STAT.GPRC, frames);
    this.file.addSaturating64(STAT.GORCL, bytesWithFcs * frames);
    const bucket = sizeBucket(bytesWithFcs);
    if (bucket >= 0) this.add(RX_SIZE_COUNTERS[bucket], frames);
    if (destination === 'broadcast') this.add(STAT.BPRC, frames);
    else if (destination === 'multicast') this.add(STAT.MPRC, frames);
  }

  /** A frame put on the wire or looped back (`frames` alike at once). */
  txGood(bytesWithFcs: number, destination: Destination, frames = 1): void {
    this.add(STAT.TPT, frames);
    this.add(STAT.GPTC, frames);
    this.file.addSaturating64(STAT.TOTL, bytesWithFcs * frames);
    this.file.addSaturating64(STAT.GOTCL, bytesWithFcs * frames);
    const bucket = sizeBucket(bytesWithFcs);
    if (bucket >= 0) this.add(TX_SIZE_COUNTERS[bucket], frames);
    if (destination === 'broadcast') this.add(STAT.BPTC, frames);
    else if (destination === 'multicast') this.add(STAT.MPTC, frames);
  }

  reset(): void {
    this.latched.clear();
  }
}
