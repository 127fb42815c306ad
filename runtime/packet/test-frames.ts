/**
 * Generated test traffic: frames whose every byte follows from (sequence number, size),
 * so a receiver can check each one byte by byte without keeping copies of what was sent.
 *
 * Layout: Ethernet header (EtherType 0x88B5, IEEE local experimental), a 4-byte magic,
 * the 32-bit sequence number, the 16-bit frame size, then a pattern seeded by the
 * sequence number (xorshift32, so neighbouring frames differ in every byte).
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import {
  ETH_HEADER_BYTES,
  ETH_TYPE_OFFSET,
  ETHERTYPE_EXPERIMENTAL,
  writeEthernetHeader,
} from './ethernet.js';

/** "nicd" in ASCII: marks a frame as generated test traffic. */
const MAGIC = 0x6e696364;
const MAGIC_OFFSET = ETH_HEADER_BYTES;
const SEQ_OFFSET = MAGIC_OFFSET + 4;
const SIZE_OFFSET = SEQ_OFFSET + 4;
const PATTERN_OFFSET = SIZE_OFFSET + 2;
/** The smallest test frame: headers, magic, sequence and size. */
export const TEST_FRAME_MIN_BYTES = PATTERN_OFFSET;
const GOLDEN_RATIO_32 = 0x9e3779b9;

/** Fill `frame` (its length is the size) as test frame `seq`. Allocates nothing. */
export function fillTestFrame(
  frame: Uint8Array,
  seq: number,
  dst: Uint8Array,
  src: Uint8Array,
): void {
  writeEthernetHeader(frame, dst, src, ETHERTYPE_EXPERIMENTAL);
  writeTestHeader(frame, seq);
  let x = seed(seq);
  for (let i = PATTERN_OFFSET; i < frame.length; i++) {
    x = xorshift32(x);
    frame[i] = x & 0xff;
  }
}

/** Only the sequence number and size (for generators that keep the pattern fixed). */
export function writeTestHeader(frame: Uint8Array, seq: number): void {
  writeU32(frame, MAGIC_OFFSET, MAGIC);
  writeU32(frame, SEQ_OFFSET, seq >>> 0);
  writeU16(frame, SIZE_OFFSET, frame.length);
}

export function makeTestFrame(
  seq: number,
  size: number,
  dst: Uint8Array,
  src: Uint8Array,
): Uint8Array {
  const frame = new Uint8Array(Math.max(size, TEST_FRAME_MIN_BYTES));
  fillTestFrame(frame, seq, dst, src);
  return frame;
}

/** The sequence number of a test frame, or -1 when the frame is not one. */
export function testFrameSeq(frame: Uint8Array): number {
  if (frame.length < TEST_FRAME_MIN_BYTES) return -1;
  if (
    readU16(frame, ETH_TYPE_OFFSET) !== ETHERTYPE_EXPERIMENTAL ||
    readU32(frame, MAGIC_OFFSET) !== MAGIC
  )
    return -1;
  return readU32(frame, SEQ_OFFSET);
}

/**
 * Why `frame` is not intact test frame `seq` sent from `src` to `dst` (the first
 * difference), or undefined when every byte is as sent.
 */
export function checkTestFrame(
  frame: Uint8Array,
  seq: number,
  dst: Uint8Array,
  src: Uint8Array,
): string | undefined {
  const got = testFrameSeq(frame);
  if (got < 0) return 'not a test frame';
  if (got !== seq >>> 0) return `sequence ${got}, expected ${seq}`;
  const size = readU16(frame, SIZE_OFFSET);
  if (frame.length !== size) return `${frame.length} bytes, sent ${size}`;
  for (let i = 0; i < 6; i++) {
    if (frame[i] !== dst[i]) return `destination byte ${i} differs`;
    if (frame[6 + i] !== src[i]) return `source byte ${i} differs`;
  }
  let x = seed(seq);
  for (let i = PATTERN_OFFSET; i < frame.length; i++) {
    x = xorshift32(x);
    if (frame[i] !== (x & 0xff))
      return `byte ${i} is 0x${frame[i].toString(16)}, sent 0x${(x & 0xff).toString(16)}`;
  }
  return undefined;
}

function seed(seq: number): number {
  // Never 0: xorshift32 would stay at 0.
  return (Math.imul(seq + 1, GOLDEN_RATIO_32) | 1) >>> 0;
}

/** Marsaglia's xorshift32 (13, 17, 5). */
function xorshift32(x: number): number {
  let y = x ^ (x << 13);
  y ^= y >>> 17;
  y ^= y << 5;
  return y >>> 0;
}
