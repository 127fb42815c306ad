/**
 * ARP for IPv4 over Ethernet (RFC 826): who has an address, and the answer. A packet is
 * 28 bytes after the Ethernet header; frames are padded to the Ethernet minimum.
 */
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import {
  ETH_HEADER_BYTES,
  ETH_MIN_FRAME_BYTES,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  etherTypeOf,
  writeEthernetHeader,
} from './ethernet.js';
import { BROADCAST_MAC, MAC_BYTES } from './mac.js';

export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
/** RFC 826 hardware type for Ethernet (IANA ARP parameters). */
const ARP_HTYPE_ETHERNET = 1;
const IPV4_ADDRESS_BYTES = 4;
export const ARP_PACKET_BYTES = 28;
// Field offsets within the ARP packet (RFC 826 "Packet format").
const HTYPE = 0;
const PTYPE = 2;
const HLEN = 4;
const PLEN = 5;
const OPER = 6;
const SHA = 8;
const SPA = 14;
const THA = 18;
const TPA = 24;

export interface ArpPacket {
  op: number;
  senderMac: Uint8Array;
  senderIp: number;
  targetMac: Uint8Array;
  targetIp: number;
}

/** A who-has request for `targetIp`, broadcast. */
export function buildArpRequest(ourMac: Uint8Array, ourIp: number, targetIp: number): Uint8Array {
  return buildArp(
    ARP_OP_REQUEST,
    BROADCAST_MAC,
    ourMac,
    ourIp,
    new Uint8Array(MAC_BYTES),
    targetIp,
  );
}

/** The answer to `request`: `ourIp` is at `ourMac`, sent to the asker. */
export function buildArpReply(request: ArpPacket, ourMac: Uint8Array, ourIp: number): Uint8Array {
  return buildArp(
    ARP_OP_REPLY,
    request.senderMac,
    ourMac,
    ourIp,
    request.senderMac,
    request.senderIp,
  );
}

function buildArp(
  op: number,
  ethDst: Uint8Array,
  senderMac: Uint8Array,
  senderIp: number,
  targetMac: Uint8Array,
  targetIp: number,
): Uint8Array {
  const frame = new Uint8Array(ETH_MIN_FRAME_BYTES);
  writeEthernetHeader(frame, ethDst, senderMac, ETHERTYPE_ARP);
  const p = ETH_HEADER_BYTES;
  writeU16(frame, p + HTYPE, ARP_HTYPE_ETHERNET);
  writeU16(frame, p + PTYPE, ETHERTYPE_IPV4);
  frame[p + HLEN] = MAC_BYTES;
  frame[p + PLEN] = IPV4_ADDRESS_BYTES;
  writeU16(frame, p + OPER, op);
  frame.set(senderMac.subarray(0, MAC_BYTES), p + SHA);
  writeU32(frame, p + SPA, senderIp);
  frame.set(targetMac.subarray(0, MAC_BYTES), p + THA);
  writeU32(frame, p + TPA, targetIp);
  return frame;
}

/** The ARP packet of an Ethernet/IPv4 ARP frame, or undefined for anything else. */
export function parseArp(frame: Uint8Array): ArpPacket | undefined {
  if (frame.length < ETH_HEADER_BYTES) return undefined;
  const { etherType, payloadOffset: p } = etherTypeOf(frame);
  if (etherType !== ETHERTYPE_ARP || frame.length < p + ARP_PACKET_BYTES) return undefined;
  if (
    readU16(frame, p + HTYPE) !== ARP_HTYPE_ETHERNET ||
    readU16(frame, p + PTYPE) !== ETHERTYPE_IPV4
  )
    return undefined;
  if (frame[p + HLEN] !== MAC_BYTES || frame[p + PLEN] !== IPV4_ADDRESS_BYTES) return undefined;
  return {
    op: readU16(frame, p + OPER),
    senderMac: frame.slice(p + SHA, p + SHA + MAC_BYTES),
    senderIp: readU32(frame, p + SPA),
    targetMac: frame.slice(p + THA, p + THA + MAC_BYTES),
    targetIp: readU32(frame, p + TPA),
  };
}
