/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of
 * 16-bit big-endian words. Used for IPv4 headers (RFC 791), TCP (RFC 793) and UDP
 * (RFC 768) over IPv4, and ICMP. Device-agnostic: drivers use it as the software
 * fallback where a NIC's checksum offload gave no verdict, tools to build frames.
 *
 * Sums are kept unfolded in a JS number (exact below 2^53, far beyond any frame) and
 * folded to 16 bits once at the end. Nothing here allocates.
 */
import type { Ipv4Layout } from './headers.js';
import {
  IPV4_ADDRESS_BYTES,
  IPV4_CHECKSUM_OFFSET,
  IPV4_DST_OFFSET,
  IPV4_SRC_OFFSET,
  IP_PROTOCOL_UDP,
} from './headers.js';

const LOW_16_BITS = 0xffff;
const BITS_PER_BYTE = 8;
const BYTES_PER_WORD = 2;
/** A correct checksum over data that includes its own checksum field sums to this. */
export const CHECKSUM_VERIFIES = 0xffff;
/** RFC 768: a computed UDP checksum of 0 is sent as all ones (0 means "none"). */
export const UDP_ZERO_CHECKSUM_AS = 0xffff;

/**
 * Ones' complement sum of bytes [start, end) of `bytes` as big-endian 16-bit words, plus
 * `initial`; an odd final byte is padded with a zero byte (RFC 1071 §4.1). Not folded.
 */
export function onesComplementSum(
  bytes: Uint8Array,
  start: number,
  end: number,
  initial = 0,
): number {
  let sum = initial;
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += BYTES_PER_WORD) sum += (bytes[i] << BITS_PER_BYTE) | bytes[i + 1];
  if (i < end) sum += bytes[i] << BITS_PER_BYTE;
  return sum;
}

/** Fold a ones' complement sum to 16 bits (end-around carry). */
export function foldSum(sum: number): number {
  let s = sum;
  while (s > LOW_16_BITS) s = (s & LOW_16_BITS) + Math.floor(s / (LOW_16_BITS + 1));
  return s;
}

/** The Internet checksum of bytes [start, end), with `initial` added to the sum first. */
export function internetChecksum(
  bytes: Uint8Array,
  start: number,
  end: number,
  initial = 0,
): number {
  return ~foldSum(onesComplementSum(bytes, start, end, initial)) & LOW_16_BITS;
}

/**
 * Sum of the IPv4 pseudo-header of RFC 793 §3.1 / RFC 768: source and destination
 * addresses, protocol, and the TCP/UDP length. Not folded, not complemented: this is
 * also the value checksum offload engines want pre-loaded into the TCP/UDP field.
 */
export function ipv4PseudoHeaderSum(
  frame: Uint8Array,
  ipOffset: number,
  protocol: number,
  l4Bytes: number,
): number {
  const addresses = ipOffset + IPV4_SRC_OFFSET;
  const addressesEnd = ipOffset + IPV4_DST_OFFSET + IPV4_ADDRESS_BYTES;
  return onesComplementSum(frame, addresses, addressesEnd, protocol + l4Bytes);
}

/** The IPv4 header checksum the header should carry (its own field counted as zero). */
export function ipv4HeaderChecksum(
  frame: Uint8Array,
  ipOffset: number,
  headerBytes: number,
): number {
  const field = ipOffset + IPV4_CHECKSUM_OFFSET;
  const sum = onesComplementSum(
    frame,
    ipOffset,
    field,
    onesComplementSum(frame, field + BYTES_PER_WORD, ipOffset + headerBytes),
  );
  return ~foldSum(sum) & LOW_16_BITS;
}

/** Whether the IPv4 header checksum is correct. */
export function ipv4HeaderChecksumOk(
  frame: Uint8Array,
  ipOffset: number,
  headerBytes: number,
): boolean {
  return foldSum(onesComplementSum(frame, ipOffset, ipOffset + headerBytes)) === CHECKSUM_VERIFIES;
}

/**
 * The TCP or UDP checksum the segment described by `layout` should carry (its own field
 * counted as zero). A UDP result of 0 is returned as 0xFFFF, as it must be sent.
 */
export function l4Checksum(frame: Uint8Array, layout: Ipv4Layout): number {
  const field = layout.l4ChecksumOffset;
  const pseudo = ipv4PseudoHeaderSum(frame, layout.ipOffset, layout.protocol, layout.l4Bytes);
  const before = onesComplementSum(frame, layout.l4Offset, field, pseudo);
  const sum = onesComplementSum(frame, field + BYTES_PER_WORD, layout.ipEnd, before);
  const checksum = ~foldSum(sum) & LOW_16_BITS;
  return checksum === 0 && layout.protocol === IP_PROTOCOL_UDP ? UDP_ZERO_CHECKSUM_AS : checksum;
}

/** Whether the TCP or UDP checksum of the segment described by `layout` is correct. */
export function l4ChecksumOk(frame: Uint8Array, layout: Ipv4Layout): boolean {
  const pseudo = ipv4PseudoHeaderSum(frame, layout.ipOffset, layout.protocol, layout.l4Bytes);
  return (
    foldSum(onesComplementSum(frame, layout.l4Offset, layout.ipEnd, pseudo)) === CHECKSUM_VERIFIES
  );
}
