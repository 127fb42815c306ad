/**
 * Building IPv4 packets (RFC 791) into Ethernet frames: the 20-byte header without
 * options, checksum included. Parsing lives in headers.ts (parseIpv4 → Ipv4Layout).
 */
import { readU32, writeU16, writeU32 } from './bytes.js';
import { ipv4HeaderChecksum } from './checksum.js';
import { ETH_HEADER_BYTES, ETHERTYPE_IPV4, writeEthernetHeader } from './ethernet.js';
import {
  IPV4_CHECKSUM_OFFSET,
  IPV4_DST_OFFSET,
  IPV4_FLAGS_FRAGMENT_OFFSET,
  IPV4_MIN_HEADER_BYTES,
  IPV4_PROTOCOL_OFFSET,
  IPV4_SRC_OFFSET,
  IPV4_TOTAL_LENGTH_OFFSET,
  IPV4_TTL_OFFSET,
  IPV4_VERSION,
  type Ipv4Layout,
} from './headers.js';

/** Version 4, IHL 5 (no options). */
const VERSION_IHL = (IPV4_VERSION << 4) | (IPV4_MIN_HEADER_BYTES / 4);
const IDENTIFICATION_OFFSET = 4;
/** Don't Fragment: ICMP echo and test traffic never need fragmentation. */
const FLAG_DONT_FRAGMENT = 0x4000;
/** Linux's default TTL (net.ipv4.ip_default_ttl). */
export const DEFAULT_TTL = 64;

export interface Ipv4Header {
  src: number;
  dst: number;
  protocol: number;
  /** Bytes after the IP header. */
  payloadBytes: number;
  ttl?: number;
  id?: number;
}

/**
 * A frame with Ethernet and IPv4 headers filled in and `payloadBytes` of zeroed payload
 * after them, at `ETH_HEADER_BYTES + IPV4_MIN_HEADER_BYTES`. Fill the payload, then
 * the upper layer's checksum.
 */
export function buildIpv4Frame(
  ethDst: Uint8Array,
  ethSrc: Uint8Array,
  header: Ipv4Header,
): Uint8Array {
  const frame = new Uint8Array(ETH_HEADER_BYTES + IPV4_MIN_HEADER_BYTES + header.payloadBytes);
  writeEthernetHeader(frame, ethDst, ethSrc, ETHERTYPE_IPV4);
  writeIpv4Header(frame, ETH_HEADER_BYTES, header);
  return frame;
}

/** Write a 20-byte IPv4 header at `ip`, checksum last. */
export function writeIpv4Header(frame: Uint8Array, ip: number, h: Ipv4Header): void {
  frame[ip] = VERSION_IHL;
  frame[ip + 1] = 0; // DSCP/ECN: best effort
  writeU16(frame, ip + IPV4_TOTAL_LENGTH_OFFSET, IPV4_MIN_HEADER_BYTES + h.payloadBytes);
  writeU16(frame, ip + IDENTIFICATION_OFFSET, h.id ?? 0);
  writeU16(frame, ip + IPV4_FLAGS_FRAGMENT_OFFSET, FLAG_DONT_FRAGMENT);
  frame[ip + IPV4_TTL_OFFSET] = h.ttl ?? DEFAULT_TTL;
  frame[ip + IPV4_PROTOCOL_OFFSET] = h.protocol;
  writeU32(frame, ip + IPV4_SRC_OFFSET, h.src);
  writeU32(frame, ip + IPV4_DST_OFFSET, h.dst);
  writeU16(frame, ip + IPV4_CHECKSUM_OFFSET, 0);
  writeU16(frame, ip + IPV4_CHECKSUM_OFFSET, ipv4HeaderChecksum(frame, ip, IPV4_MIN_HEADER_BYTES));
}

export function ipv4Source(frame: Uint8Array, layout: Ipv4Layout): number {
  return readU32(frame, layout.ipOffset + IPV4_SRC_OFFSET);
}

export function ipv4Destination(frame: Uint8Array, layout: Ipv4Layout): number {
  return readU32(frame, layout.ipOffset + IPV4_DST_OFFSET);
}

export function ipv4Ttl(frame: Uint8Array, layout: Ipv4Layout): number {
  return frame[layout.ipOffset + IPV4_TTL_OFFSET];
}
