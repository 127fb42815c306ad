/**
 * Ethernet II framing (IEEE 802.3 §3.1.1 as used by DIX): destination, source, EtherType,
 * payload. Frames here never carry the FCS: devices append and strip it.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { readU16 } from './bytes.js';
import { formatMac, MAC_BYTES } from './mac.js';

/** Destination + source + EtherType. */
export const ETH_HEADER_BYTES = 14;
/** Smallest frame on the wire without the 4-byte FCS (64 with it); shorter ones are padded. */
export const ETH_MIN_FRAME_BYTES = 60;
/** Largest untagged frame without FCS at the standard 1500-byte MTU. */
export const ETH_MAX_FRAME_BYTES = 1514;
export const ETH_DST_OFFSET = 0;
export const ETH_SRC_OFFSET = MAC_BYTES;
export const ETH_TYPE_OFFSET = 2 * MAC_BYTES;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802 "local experimental" EtherType: what generated test traffic carries. */
export const ETHERTYPE_EXPERIMENTAL = 0x88b5;
/** A 802.1Q tag: TPID (0x8100) + TCI. */
export const VLAN_TAG_BYTES = 4;

/** Write the 14-byte header at the start of `frame`. */
export function writeEthernetHeader(
  frame: Uint8Array,
  dst: Uint8Array,
  src: Uint8Array,
  etherType: number,
): void {
  frame.set(dst.subarray(0, MAC_BYTES), ETH_DST_OFFSET);
  frame.set(src.subarray(0, MAC_BYTES), ETH_SRC_OFFSET);
  frame[ETH_TYPE_OFFSET] = etherType >>> 8;
  frame[ETH_TYPE_OFFSET + 1] = etherType & 0xff;
}

/** The EtherType after one optional 802.1Q tag, and where the payload starts. */
export function etherTypeOf(frame: Uint8Array): {
  etherType: number;
  payloadOffset: number;
  vlan?: number;
} {
  let type = readU16(frame, ETH_TYPE_OFFSET);
  if (type === ETHERTYPE_VLAN && frame.length >= ETH_HEADER_BYTES + VLAN_TAG_BYTES) {
    const vlan = readU16(frame, ETH_HEADER_BYTES) & 0x0fff; // VID: TCI bits 11:0
    type = readU16(frame, ETH_HEADER_BYTES + 2);
    return { etherType: type, payloadOffset: ETH_HEADER_BYTES + VLAN_TAG_BYTES, vlan };
  }
  return { etherType: type, payloadOffset: ETH_HEADER_BYTES };
}

/** One-line description for listings: "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff, ARP, 42 bytes". */
export function describeEthernet(frame: Uint8Array): string {
  if (frame.length < ETH_HEADER_BYTES) return `runt frame, ${frame.length} bytes`;
  const { etherType, vlan } = etherTypeOf(frame);
  const tag = vlan === undefined ? '' : ` vlan ${vlan},`;
  return `${formatMac(frame, ETH_SRC_OFFSET)} > ${formatMac(frame, ETH_DST_OFFSET)},${tag} ${etherTypeName(etherType)}, ${frame.length} bytes`;
}

export function etherTypeName(type: number): string {
  switch (type) {
    case ETHERTYPE_IPV4:
      return 'IPv4';
    case ETHERTYPE_ARP:
      return 'ARP';
    case ETHERTYPE_IPV6:
      return 'IPv6';
    case ETHERTYPE_VLAN:
      return '802.1Q';
    default:
      return `ethertype 0x${type.toString(16).padStart(4, '0')}`;
  }
}

/**
 * E_FRAME_SIZE unless `length` is a whole Ethernet header at least and at most `maxBytes`:
 * the check every command applies to user-supplied frames before they reach a driver.
 */
export function checkFrameSize(length: number, maxBytes: number, what = 'frame'): void {
  if (length >= ETH_HEADER_BYTES && length <= maxBytes) return;
  const why =
    length < ETH_HEADER_BYTES
      ? `shorter than an Ethernet header (${ETH_HEADER_BYTES} bytes)`
      : `longer than the maximum frame size (${maxBytes} bytes)`;
  throw new NicdlError('E_FRAME_SIZE', `${what} of ${length} bytes is ${why}`, ExitCode.usage, {
    length,
    min: ETH_HEADER_BYTES,
    max: maxBytes,
  });
}
