// IPv4 frames carrying TCP or UDP with checksum fields set to whatever the test wants
// (usually garbage, for the device's checksum offload to overwrite), and the host's
// independent check of the result. Shared by the host scenario and the guest script that
// transmits them (test/e2e/guest-bin/e1000-offload.mjs), so both build the same bytes.
import {
  BROADCAST_MAC,
  ETH_HEADER_BYTES,
  ETH_MAX_FRAME_BYTES,
  ETH_MIN_FRAME_BYTES,
  ETHERTYPE_IPV4,
  IPPROTO_TCP,
  IPPROTO_UDP,
  internetChecksum,
  ipBytes,
  macBytes,
} from './frames.mjs';

const IPV4_BASE_HEADER_BYTES = 20;
const IPV4_CHECKSUM_OFFSET = 10; // RFC 791
const UDP_HEADER_BYTES = 8;
const UDP_CHECKSUM_OFFSET = 6; // RFC 768
const TCP_HEADER_BYTES = 20;
const TCP_CHECKSUM_OFFSET = 16; // RFC 9293
const TCP_DATA_OFFSET_WORDS = TCP_HEADER_BYTES / 4;
const TCP_FLAGS_PSH_ACK = 0x18;
const TCP_WINDOW = 0xffff;
const TTL = 64;
/** Four option bytes: three NOPs and End of Option List (RFC 791), so IHL = 6. */
const IP_OPTIONS = Buffer.from([1, 1, 1, 0]);
/** Ethernet padding that is not zero: a checksum summed over it would come out wrong. */
const PAD_BYTE = 0xa5;

/**
 * An Ethernet + IPv4 + TCP/UDP frame whose IP and L4 checksum fields hold `ipChecksum`
 * and `l4Checksum` as given (not computed). Frames shorter than 60 bytes are padded with
 * non-zero bytes after the IP packet. Returns { frame, ipOffset, ipHeaderBytes, l4Offset,
 * l4ChecksumOffset, ipEnd } (offsets within the frame).
 */
export function ipv4L4Frame({
  dst,
  src,
  srcIp,
  dstIp,
  proto,
  payload,
  ipOptions = false,
  id = 0,
  ipChecksum = 0,
  l4Checksum = 0,
}) {
  const ipHeaderBytes = IPV4_BASE_HEADER_BYTES + (ipOptions ? IP_OPTIONS.length : 0);
  const l4HeaderBytes = proto === IPPROTO_TCP ? TCP_HEADER_BYTES : UDP_HEADER_BYTES;
  const ipTotal = ipHeaderBytes + l4HeaderBytes + payload.length;
  const ipEnd = ETH_HEADER_BYTES + ipTotal;
  if (ipEnd > ETH_MAX_FRAME_BYTES) throw new Error(`frame of ${ipEnd} bytes is too long`);
  const frame = Buffer.alloc(Math.max(ETH_MIN_FRAME_BYTES, ipEnd), PAD_BYTE);
  macBytes(dst).copy(frame, 0);
  macBytes(src).copy(frame, 6);
  frame.writeUInt16BE(ETHERTYPE_IPV4, 12);
  const ip = ETH_HEADER_BYTES;
  frame[ip] = 0x40 | (ipHeaderBytes / 4); // version 4, IHL
  frame[ip + 1] = 0;
  frame.writeUInt16BE(ipTotal, ip + 2);
  frame.writeUInt16BE(id & 0xffff, ip + 4);
  frame.writeUInt16BE(0, ip + 6);
  frame[ip + 8] = TTL;
  frame[ip + 9] = proto;
  frame.writeUInt16BE(ipChecksum, ip + IPV4_CHECKSUM_OFFSET);
  ipBytes(srcIp).copy(frame, ip + 12);
  ipBytes(dstIp).copy(frame, ip + 16);
  if (ipOptions) IP_OPTIONS.copy(frame, ip + IPV4_BASE_HEADER_BYTES);
  const l4 = ip + ipHeaderBytes;
  frame.writeUInt16BE(40000 + (id % 1000), l4); // source port
  frame.writeUInt16BE(proto === IPPROTO_TCP ? 5001 : 5002, l4 + 2); // destination port
  let l4ChecksumOffset;
  if (proto === IPPROTO_TCP) {
    frame.writeUInt32BE(0x1000_0000 + id, l4 + 4); // sequence number
    frame.writeUInt32BE(0x2000_0000, l4 + 8); // acknowledgment number
    frame[l4 + 12] = TCP_DATA_OFFSET_WORDS << 4;
    frame[l4 + 13] = TCP_FLAGS_PSH_ACK;
    frame.writeUInt16BE(TCP_WINDOW, l4 + 14);
    frame.writeUInt16BE(0, l4 + 18); // urgent pointer
    l4ChecksumOffset = l4 + TCP_CHECKSUM_OFFSET;
  } else {
    frame.writeUInt16BE(UDP_HEADER_BYTES + payload.length, l4 + 4);
    l4ChecksumOffset = l4 + UDP_CHECKSUM_OFFSET;
  }
  frame.writeUInt16BE(l4Checksum, l4ChecksumOffset);
  Buffer.from(payload).copy(frame, l4 + l4HeaderBytes);
  return { frame, ipOffset: ip, ipHeaderBytes, l4Offset: l4, l4ChecksumOffset, ipEnd };
}

/**
 * Whether the IP header checksum and the TCP/UDP checksum of a frame built by
 * ipv4L4Frame hold, summed the raw way (the sum over the covered bytes, checksum field
 * included, is 0xffff). Unlike verifyIpv4Checksums this also judges a UDP checksum of 0,
 * which a device that does not map 0 to 0xffff may legitimately produce.
 */
export function checksumsHold(frame) {
  const ip = ETH_HEADER_BYTES;
  const ihl = (frame[ip] & 0x0f) * 4;
  const total = frame.readUInt16BE(ip + 2);
  const proto = frame[ip + 9];
  const ipOk = internetChecksum(frame.subarray(ip, ip + ihl)) === 0;
  const l4 = frame.subarray(ip + ihl, ip + total);
  const pseudo = Buffer.alloc(12);
  frame.copy(pseudo, 0, ip + 12, ip + 20);
  pseudo[9] = proto;
  pseudo.writeUInt16BE(l4.length, 10);
  const l4Ok = internetChecksum(Buffer.concat([pseudo, l4])) === 0;
  return { ipOk, l4Ok };
}

// The offload test's frames: frame i is fully determined by i and the MACs.
const PAYLOAD_BYTES = [1, 6, 18, 46, 100, 333, 555, 1000, 1234, 1400, 1500];
export const MULTICAST_MAC = '01:00:5e:00:00:fb';
export const OFFLOAD_SRC_IP = '192.0.2.2';
export const OFFLOAD_DST_IP = '192.0.2.1';

/**
 * Case i of the offload test: { frame, offload: {ipv4, l4}, ...layout }. Alternates UDP
 * and TCP (so the device's checksum context changes between frames), adds IP options to
 * every fifth, pads the shortest with non-zero bytes, and asks for both checksums, only
 * one, or none. Checksum fields start as garbage that only the device can fix.
 */
export function offloadCase(i, { src, hostMac }) {
  const proto = i % 2 ? IPPROTO_TCP : IPPROTO_UDP;
  const ipOptions = i % 5 === 4;
  const headers =
    ETH_HEADER_BYTES +
    IPV4_BASE_HEADER_BYTES +
    (ipOptions ? IP_OPTIONS.length : 0) +
    (proto === IPPROTO_TCP ? TCP_HEADER_BYTES : UDP_HEADER_BYTES);
  const payloadBytes = Math.min(
    PAYLOAD_BYTES[i % PAYLOAD_BYTES.length],
    ETH_MAX_FRAME_BYTES - headers,
  );
  const payload = Buffer.alloc(payloadBytes);
  for (let k = 0; k < payloadBytes; k++) payload[k] = (i * 13 + k * 3) & 0xff;
  const mode = i % 11 === 0 ? 'none' : i % 7 === 3 ? 'ipv4' : i % 7 === 5 ? 'l4' : 'both';
  const dst = i % 13 === 0 ? BROADCAST_MAC : i % 17 === 0 ? MULTICAST_MAC : hostMac;
  const built = ipv4L4Frame({
    dst,
    src,
    srcIp: OFFLOAD_SRC_IP,
    dstIp: OFFLOAD_DST_IP,
    proto,
    payload,
    ipOptions,
    id: i,
    ipChecksum: 0xbad0 | (i & 0xf),
    l4Checksum: (0xdead ^ i) & 0xffff || 1,
  });
  return {
    ...built,
    proto,
    mode,
    dst,
    offload: { ipv4: mode === 'both' || mode === 'ipv4', l4: mode === 'both' || mode === 'l4' },
  };
}
