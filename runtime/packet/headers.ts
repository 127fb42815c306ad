/**
 * Where the IPv4, TCP and UDP headers of an Ethernet frame are (RFC 791, 793, 768), for
 * checksum offload set-up and the software checksum fallback. Parsing fills a caller-owned
 * `Ipv4Layout`, so the per-packet path allocates nothing. Frames carry no FCS.
 */
import { readU16 } from './bytes.js';
import {
  ETH_HEADER_BYTES,
  ETH_TYPE_OFFSET,
  ETHERTYPE_IPV4,
  ETHERTYPE_VLAN,
  VLAN_TAG_BYTES,
} from './ethernet.js';

/** RFC 791 §3.1: version 4, header length (IHL) in 32-bit words, at least 5. */
export const IPV4_VERSION = 4;
export const IPV4_MIN_HEADER_BYTES = 20;
const IHL_WORD_BYTES = 4;
const IHL_MASK = 0x0f;
const VERSION_SHIFT = 4;
export const IPV4_TOTAL_LENGTH_OFFSET = 2;
export const IPV4_FLAGS_FRAGMENT_OFFSET = 6;
/** Flags/fragment word: MF flag and the 13-bit fragment offset; either set = a fragment. */
export const IPV4_MORE_FRAGMENTS = 0x2000;
export const IPV4_FRAGMENT_OFFSET_MASK = 0x1fff;
export const IPV4_TTL_OFFSET = 8;
export const IPV4_PROTOCOL_OFFSET = 9;
export const IPV4_CHECKSUM_OFFSET = 10;
export const IPV4_SRC_OFFSET = 12;
export const IPV4_DST_OFFSET = 16;
export const IPV4_ADDRESS_BYTES = 4;

/** IANA protocol numbers. */
export const IP_PROTOCOL_ICMP = 1;
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;

/** RFC 793 §3.1: checksum at byte 16 of a header of at least 20 bytes. */
export const TCP_CHECKSUM_OFFSET = 16;
export const TCP_MIN_HEADER_BYTES = 20;
/** RFC 768: 8-byte header, checksum at byte 6 (0 = the sender computed none). */
export const UDP_CHECKSUM_OFFSET = 6;
export const UDP_HEADER_BYTES = 8;
/** Every checksum field here is one 16-bit word. */
const CHECKSUM_FIELD_BYTES = 2;

/** An IPv4 packet inside a frame, as parseIpv4 finds it. Offsets are from the frame start. */
export interface Ipv4Layout {
  /** First byte of the IPv4 header (14, or 18 behind one 802.1Q tag). */
  ipOffset: number;
  ipHeaderBytes: number;
  /** One past the last byte of the IP packet (total length, clipped to the frame). */
  ipEnd: number;
  protocol: number;
  /** More-fragments set or a non-zero fragment offset: TCP/UDP checksums cannot be checked. */
  fragment: boolean;
  /** First byte of the TCP/UDP header, and its length through ipEnd. */
  l4Offset: number;
  l4Bytes: number;
  /** Offset of the TCP/UDP checksum field; -1 when not TCP/UDP, a fragment, or too short. */
  l4ChecksumOffset: number;
}

/** A layout to reuse across parseIpv4 calls. */
export function createIpv4Layout(): Ipv4Layout {
  return {
    ipOffset: 0,
    ipHeaderBytes: 0,
    ipEnd: 0,
    protocol: 0,
    fragment: false,
    l4Offset: 0,
    l4Bytes: 0,
    l4ChecksumOffset: -1,
  };
}

/** Offset of the IPv4 header when `frame` carries IPv4 (after at most one 802.1Q tag), else -1. */
export function ipv4Offset(frame: Uint8Array): number {
  if (frame.length < ETH_HEADER_BYTES + IPV4_MIN_HEADER_BYTES) return -1;
  const type = readU16(frame, ETH_TYPE_OFFSET);
  if (type === ETHERTYPE_IPV4) return ETH_HEADER_BYTES;
  if (
    type === ETHERTYPE_VLAN &&
    frame.length >= ETH_HEADER_BYTES + VLAN_TAG_BYTES + IPV4_MIN_HEADER_BYTES
  ) {
    return readU16(frame, ETH_TYPE_OFFSET + VLAN_TAG_BYTES) === ETHERTYPE_IPV4
      ? ETH_HEADER_BYTES + VLAN_TAG_BYTES
      : -1;
  }
  return -1;
}

/**
 * Fill `out` with the IPv4 packet in `frame`; false when the frame carries no well-formed
 * IPv4 header (not IPv4, version not 4, IHL < 5, or a header past the end). `frameBytes`
 * is the whole frame's length when `frame` holds only its start (a gathered frame's first
 * segment): lengths then come from the IP header, and only the headers must be in hand.
 */
export function parseIpv4(frame: Uint8Array, out: Ipv4Layout, frameBytes = frame.length): boolean {
  const ip = ipv4Offset(frame);
  if (ip < 0) return false;
  const versionIhl = frame[ip];
  const headerBytes = (versionIhl & IHL_MASK) * IHL_WORD_BYTES;
  if (versionIhl >>> VERSION_SHIFT !== IPV4_VERSION || headerBytes < IPV4_MIN_HEADER_BYTES)
    return false;
  const ipEnd = Math.min(frameBytes, ip + readU16(frame, ip + IPV4_TOTAL_LENGTH_OFFSET));
  if (ip + headerBytes > ipEnd || ip + headerBytes > frame.length) return false;
  const protocol = frame[ip + IPV4_PROTOCOL_OFFSET];
  const fragmentWord = readU16(frame, ip + IPV4_FLAGS_FRAGMENT_OFFSET);
  out.ipOffset = ip;
  out.ipHeaderBytes = headerBytes;
  out.ipEnd = ipEnd;
  out.protocol = protocol;
  out.fragment = (fragmentWord & (IPV4_MORE_FRAGMENTS | IPV4_FRAGMENT_OFFSET_MASK)) !== 0;
  out.l4Offset = ip + headerBytes;
  out.l4Bytes = ipEnd - out.l4Offset;
  const field = out.fragment ? -1 : l4ChecksumField(protocol, out.l4Offset, out.l4Bytes);
  out.l4ChecksumOffset = field >= 0 && field + CHECKSUM_FIELD_BYTES <= frame.length ? field : -1;
  return true;
}

/** Where the TCP/UDP checksum field is, or -1 when the segment has none we can use. */
function l4ChecksumField(protocol: number, l4Offset: number, l4Bytes: number): number {
  if (protocol === IP_PROTOCOL_TCP && l4Bytes >= TCP_MIN_HEADER_BYTES)
    return l4Offset + TCP_CHECKSUM_OFFSET;
  if (protocol === IP_PROTOCOL_UDP && l4Bytes >= UDP_HEADER_BYTES)
    return l4Offset + UDP_CHECKSUM_OFFSET;
  return -1;
}

/** Whether a UDP segment says "no checksum" (field 0, RFC 768); only meaningful for UDP. */
export function udpChecksumAbsent(frame: Uint8Array, layout: Ipv4Layout): boolean {
  return (
    layout.protocol === IP_PROTOCOL_UDP &&
    layout.l4ChecksumOffset >= 0 &&
    readU16(frame, layout.l4ChecksumOffset) === 0
  );
}
