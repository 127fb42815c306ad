/**
 * ICMP echo request and reply (RFC 792), the packets of ping: type, code, checksum over
 * the whole ICMP message, identifier, sequence number, then data echoed back unchanged.
 */
import { readU16, writeU16 } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { ETH_HEADER_BYTES } from './ethernet.js';
import { createIpv4Layout, IP_PROTOCOL_ICMP, IPV4_MIN_HEADER_BYTES, parseIpv4 } from './headers.js';
import { buildIpv4Frame, ipv4Destination, ipv4Source, ipv4Ttl } from './ipv4-packet.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_ECHO_HEADER_BYTES = 8;
const TYPE = 0;
const CODE = 1;
const CHECKSUM = 2;
const IDENTIFIER = 4;
const SEQUENCE = 6;

export interface IcmpEcho {
  type: number;
  id: number;
  seq: number;
  src: number;
  dst: number;
  ttl: number;
  /** Bytes of ICMP data (after the 8-byte echo header). */
  dataBytes: number;
  data: Uint8Array;
  checksumOk: boolean;
}

export interface EchoParams {
  ethDst: Uint8Array;
  ethSrc: Uint8Array;
  src: number;
  dst: number;
  id: number;
  seq: number;
  data: Uint8Array;
  ttl?: number;
}

/** An echo request (type 8) or reply (type 0) frame. */
export function buildIcmpEcho(type: number, p: EchoParams): Uint8Array {
  const icmpBytes = ICMP_ECHO_HEADER_BYTES + p.data.length;
  const frame = buildIpv4Frame(p.ethDst, p.ethSrc, {
    src: p.src,
    dst: p.dst,
    protocol: IP_PROTOCOL_ICMP,
    payloadBytes: icmpBytes,
    ttl: p.ttl,
    id: p.seq,
  });
  const at = ETH_HEADER_BYTES + IPV4_MIN_HEADER_BYTES;
  frame[at + TYPE] = type;
  frame[at + CODE] = 0;
  writeU16(frame, at + IDENTIFIER, p.id);
  writeU16(frame, at + SEQUENCE, p.seq);
  frame.set(p.data, at + ICMP_ECHO_HEADER_BYTES);
  writeU16(frame, at + CHECKSUM, internetChecksum(frame, at, at + icmpBytes));
  return frame;
}

/** The echo request or reply a frame carries, or undefined for anything else. */
export function parseIcmpEcho(frame: Uint8Array): IcmpEcho | undefined {
  const layout = createIpv4Layout();
  if (!parseIpv4(frame, layout) || layout.protocol !== IP_PROTOCOL_ICMP || layout.fragment)
    return undefined;
  const at = layout.l4Offset;
  if (layout.l4Bytes < ICMP_ECHO_HEADER_BYTES) return undefined;
  const type = frame[at + TYPE];
  if ((type !== ICMP_ECHO_REQUEST && type !== ICMP_ECHO_REPLY) || frame[at + CODE] !== 0)
    return undefined;
  return {
    type,
    id: readU16(frame, at + IDENTIFIER),
    seq: readU16(frame, at + SEQUENCE),
    src: ipv4Source(frame, layout),
    dst: ipv4Destination(frame, layout),
    ttl: ipv4Ttl(frame, layout),
    dataBytes: layout.l4Bytes - ICMP_ECHO_HEADER_BYTES,
    data: frame.slice(at + ICMP_ECHO_HEADER_BYTES, layout.ipEnd),
    checksumOk: internetChecksum(frame, at, layout.ipEnd) === 0,
  };
}
