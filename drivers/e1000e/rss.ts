/**
 * Receive-side scaling set-up: the Toeplitz key (RSSRK) and the redirection table (RETA)
 * written first, then the spec's `enable_rss` sequence (extended descriptors, RXCSUM.PCSD,
 * MRQC hashing TCP/IPv4 and IPv4). The 128 table entries take the queues in turn, so
 * flows spread evenly over them; with one queue every entry says queue 0 and the hash is
 * still written back in each descriptor.
 */
import type { Clock, Mmio } from '../../runtime/types.js';
import { enable_rss, RETA, RSSRK, type Registers } from './generated/index.js';

/**
 * The key of Microsoft's RSS specification (its verification suite's key), the usual
 * default: it spreads addresses and ports well.
 */
export const DEFAULT_RSS_KEY: readonly number[] = [
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
  0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
  0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

const BYTE_BITS = 8;
const BYTES_PER_WORD = 4;
/** RETA: four one-byte entries per register, 128 in all. */
export const RETA_ENTRIES = RETA.count * BYTES_PER_WORD;

/** The queue redirection entry `entry` names: the queues in turn (0 or 1 on the 82574L). */
export function retaQueue(entry: number, queues: number): 0 | 1 {
  return entry % queues === 0 ? 0 : 1;
}

/** Key and table, then RSS on. `checksum`: also check IPv4 and TCP/UDP checksums. */
export async function enableRss(
  mmio: Mmio,
  regs: Registers,
  clock: Clock,
  queues: number,
  checksum: boolean,
): Promise<void> {
  for (let i = 0; i < RSSRK.count; i++) {
    let word = 0;
    for (let b = 0; b < BYTES_PER_WORD; b++)
      word |= DEFAULT_RSS_KEY[i * BYTES_PER_WORD + b] << (b * BYTE_BITS);
    regs.RSSRK.write(i, word >>> 0);
  }
  for (let i = 0; i < RETA.count; i++) {
    const q = (k: number) => retaQueue(i * BYTES_PER_WORD + k, queues);
    regs.RETA.writeFields(i, (w) => w.QUEUE0(q(0)).QUEUE1(q(1)).QUEUE2(q(2)).QUEUE3(q(3)));
  }
  await enable_rss(mmio, clock, { checksum: checksum ? 1 : 0 });
}
