/**
 * Receive-side scaling as the 82574L does it (datasheet, "Receive-Side Scaling"): for an
 * IPv4 frame, a Toeplitz hash of the source and destination addresses (and, for TCP when
 * MRQC asks, the source and destination ports) under the 40-byte key in RSSRK; the low
 * 7 bits of the hash index the 128-entry redirection table (RETA), whose entry's bit 7
 * names the receive queue. Frames RSS does not hash (not IPv4, or a type MRQC leaves out)
 * go to queue 0 with hash type NONE. Fragments are hashed on addresses only.
 */
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { ETH, IPV4, readU16BE } from '../../e1000/twin/ethernet.js';
import { MRQC, RETA, RSS_TYPE } from './bits.js';
import { REG, RSS_KEY_WORDS, WORD_BYTES } from './registers.js';

const BYTE_BITS = 8;
const KEY_BYTES = RSS_KEY_WORDS * WORD_BYTES;
/** Hash input: source and destination IPv4 addresses, then source and destination ports. */
const INPUT_BYTES_TCP = 2 * IPV4.ADDR_BYTES + 2 * 2;
const INPUT_BYTES_IP = 2 * IPV4.ADDR_BYTES;
const PORTS_BYTES = 4;

/** What RSS decided for one frame. */
export interface RssResult {
  type: number;
  hash: number;
  queue: number;
}

/**
 * The Toeplitz hash of `input[0..length)` under `key`: for every input bit set, counting
 * from the most significant bit of byte 0, XOR in the 32 key bits starting at that bit.
 */
export function toeplitzHash(key: Uint8Array, input: Uint8Array, length: number): number {
  let hash = 0;
  // The 32-bit key window, extended on the right one key bit per input bit.
  let window = ((key[0] << 24) | (key[1] << 16) | (key[2] << 8) | key[3]) >>> 0;
  for (let i = 0; i < length; i++) {
    const nextKeyByte = i + 4 < key.length ? key[i + 4] : 0;
    for (let b = BYTE_BITS - 1; b >= 0; b--) {
      if ((input[i] >>> b) & 1) hash = (hash ^ window) >>> 0;
      window = ((window << 1) | ((nextKeyByte >>> b) & 1)) >>> 0;
    }
  }
  return hash;
}

/** RSS over the device's registers: key, table and MRQC read at each frame, as hardware does. */
export class Rss {
  private readonly key = new Uint8Array(KEY_BYTES);
  private readonly input = new Uint8Array(INPUT_BYTES_TCP);
  readonly result: RssResult = { type: RSS_TYPE.NONE, hash: 0, queue: 0 };

  constructor(private readonly file: BarFile) {}

  /** Hash type, hash and queue for `frame` (untagged or 802.1Q-tagged Ethernet). */
  classify(frame: Uint8Array): RssResult {
    const r = this.result;
    r.type = RSS_TYPE.NONE;
    r.hash = 0;
    r.queue = 0;
    const mrqc = this.file.peek(REG.MRQC);
    const ip = ipv4Offset(frame);
    if (ip < 0) return r;
    const headerBytes = (frame[ip] & 0xf) * 4;
    const fragment = (readU16BE(frame, ip + IPV4.FLAGS_FRAGMENT) & IPV4.FRAGMENT_MASK) !== 0;
    const tcp =
      frame[ip + IPV4.PROTOCOL] === IPV4.PROTO_TCP &&
      !fragment &&
      frame.length >= ip + headerBytes + PORTS_BYTES;
    let length: number;
    if (tcp && mrqc & MRQC.TCPIPV4) {
      r.type = RSS_TYPE.TCP_IPV4;
      length = INPUT_BYTES_TCP;
    } else if (mrqc & MRQC.IPV4) {
      r.type = RSS_TYPE.IPV4;
      length = INPUT_BYTES_IP;
    } else {
      return r;
    }
    this.input.set(frame.subarray(ip + IPV4.SRC, ip + IPV4.SRC + INPUT_BYTES_IP), 0);
    if (length === INPUT_BYTES_TCP)
      this.input.set(
        frame.subarray(ip + headerBytes, ip + headerBytes + PORTS_BYTES),
        INPUT_BYTES_IP,
      );
    r.hash = toeplitzHash(this.loadKey(), this.input, length);
    r.queue = this.queueOf(r.hash);
    return r;
  }

  /** The redirection table's queue for `hash`. */
  queueOf(hash: number): number {
    const index = hash & RETA.INDEX_MASK;
    const word = this.file.peek(REG.RETA + Math.floor(index / WORD_BYTES) * WORD_BYTES);
    const entry = (word >>> ((index % WORD_BYTES) * BYTE_BITS)) & 0xff;
    return entry & RETA.QUEUE_BIT ? 1 : 0;
  }

  /** RSSRK as bytes: key byte 4n + k is bits 8k+7:8k of register n. */
  private loadKey(): Uint8Array {
    for (let i = 0; i < KEY_BYTES; i++) {
      const word = this.file.peek(REG.RSSRK + Math.floor(i / WORD_BYTES) * WORD_BYTES);
      this.key[i] = (word >>> ((i % WORD_BYTES) * BYTE_BITS)) & 0xff;
    }
    return this.key;
  }
}

/** Offset of the IPv4 header in `frame`, or -1 when it is not IPv4. */
function ipv4Offset(frame: Uint8Array): number {
  if (frame.length < ETH.HEADER_BYTES) return -1;
  let ip = ETH.HEADER_BYTES;
  let type = readU16BE(frame, ETH.TYPE);
  if (type === ETH.TYPE_VLAN && frame.length >= ETH.HEADER_BYTES + ETH.VLAN_TAG_BYTES) {
    type = readU16BE(frame, ETH.TYPE + ETH.VLAN_TAG_BYTES);
    ip += ETH.VLAN_TAG_BYTES;
  }
  if (
    type !== ETH.TYPE_IPV4 ||
    frame.length < ip + IPV4.MIN_HEADER_BYTES ||
    frame[ip] >> 4 !== IPV4.VERSION
  )
    return -1;
  return ip;
}
