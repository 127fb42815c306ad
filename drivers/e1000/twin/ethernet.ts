/** Ethernet, 802.1Q and IPv4 facts the twin needs to look inside frames (IEEE 802.3, RFC 791). */

export const ETH = {
  DST: 0,
  SRC: 6,
  TYPE: 12,
  HEADER_BYTES: 14,
  ADDR_BYTES: 6,
  FCS_BYTES: 4,
  /** Smallest legal frame including FCS. */
  MIN_FRAME_BYTES: 64,
  /** Largest frame including FCS without long-packet support (1518 + a 4-byte VLAN tag). */
  MAX_FRAME_BYTES: 1522,
  /** Largest frame including FCS with RCTL.LPE, §13.4.22 (16 KB). */
  MAX_LONG_FRAME_BYTES: 16384,
  VLAN_TAG_BYTES: 4,
  TYPE_IPV4: 0x0800,
  TYPE_VLAN: 0x8100,
} as const;

export const IPV4 = {
  VERSION: 4,
  TOTAL_LENGTH: 2,
  FLAGS_FRAGMENT: 6,
  /** MF flag and 13-bit fragment offset: non-zero means a fragment. */
  FRAGMENT_MASK: 0x3fff,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  ADDR_BYTES: 4,
  MIN_HEADER_BYTES: 20,
  PROTO_TCP: 6,
  PROTO_UDP: 17,
} as const;

/** Where the checksum sits inside the transport header. */
export const TCP_CHECKSUM = 16;
export const UDP_CHECKSUM = 6;

/** Group bit of the first destination byte: multicast (and broadcast). */
const GROUP_BIT = 0x01;
const BROADCAST_BYTE = 0xff;

export function isBroadcast(frame: Uint8Array): boolean {
  for (let i = 0; i < ETH.ADDR_BYTES; i++) if (frame[ETH.DST + i] !== BROADCAST_BYTE) return false;
  return true;
}

/** Multicast, not broadcast. */
export function isMulticast(frame: Uint8Array): boolean {
  return (frame[ETH.DST] & GROUP_BIT) !== 0 && !isBroadcast(frame);
}

export function readU16BE(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] << 8) | bytes[offset + 1];
}

export function writeU16BE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}
