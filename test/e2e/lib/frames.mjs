// Ethernet frames as the host peer sees them (no preamble, no FCS): builders, parsers and
// checksum checks for scenarios. Independent of the project's own code on purpose: the
// peer must not share a bug with the driver it judges.

export const ETH_HEADER_BYTES = 14;
/** 64-byte minimum frame minus the 4-byte FCS the NIC adds (IEEE 802.3 §3.2.8). */
export const ETH_MIN_FRAME_BYTES = 60;
export const ETH_MAX_FRAME_BYTES = 1514; // 1500-byte MTU + header, without FCS
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
/** IEEE 802 "local experimental" EtherType: our numbered test frames, ignored by Linux. */
export const ETHERTYPE_TEST = 0x88b5;
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export function macBytes(mac) {
  const b = Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
  if (b.length !== 6 || mac.split(':').some((h) => !/^[0-9a-f]{2}$/i.test(h)))
    throw new Error(`bad MAC ${mac}`);
  return b;
}

export function macString(buf, offset = 0) {
  return [...buf.subarray(offset, offset + 6)]
    .map((x) => x.toString(16).padStart(2, '0'))
    .join(':');
}

export function ipBytes(ip) {
  return Buffer.from(ip.split('.').map(Number));
}

export const ipString = (buf, offset) => [...buf.subarray(offset, offset + 4)].join('.');

/** An Ethernet II frame, zero-padded to the 60-byte minimum. */
export function ethernet({ dst, src, type, payload = Buffer.alloc(0) }) {
  const frame = Buffer.alloc(Math.max(ETH_MIN_FRAME_BYTES, ETH_HEADER_BYTES + payload.length));
  macBytes(dst).copy(frame, 0);
  macBytes(src).copy(frame, 6);
  frame.writeUInt16BE(type, 12);
  Buffer.from(payload).copy(frame, ETH_HEADER_BYTES);
  return frame;
}

export function parseEthernet(frame) {
  return {
    dst: macString(frame, 0),
    src: macString(frame, 6),
    type: frame.readUInt16BE(12),
    payload: frame.subarray(ETH_HEADER_BYTES),
  };
}

// ARP for IPv4 over Ethernet (RFC 826).
const ARP_BYTES = 28;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export function arp({ op, senderMac, senderIp, targetMac = '00:00:00:00:00:00', targetIp, dst }) {
  const p = Buffer.alloc(ARP_BYTES);
  p.writeUInt16BE(1, 0); // hardware type: Ethernet
  p.writeUInt16BE(ETHERTYPE_IPV4, 2);
  p[4] = 6; // hardware address length
  p[5] = 4; // protocol address length
  p.writeUInt16BE(op, 6);
  macBytes(senderMac).copy(p, 8);
  ipBytes(senderIp).copy(p, 14);
  macBytes(targetMac).copy(p, 18);
  ipBytes(targetIp).copy(p, 24);
  const to = dst ?? (op === ARP_REQUEST ? BROADCAST_MAC : targetMac);
  return ethernet({ dst: to, src: senderMac, type: ETHERTYPE_ARP, payload: p });
}

/** The ARP fields of a frame, or null if it is not ARP. */
export function parseArp(frame) {
  const eth = parseEthernet(frame);
  if (eth.type !== ETHERTYPE_ARP || eth.payload.length < ARP_BYTES) return null;
  const p = eth.payload;
  return {
    op: p.readUInt16BE(6),
    senderMac: macString(p, 8),
    senderIp: ipString(p, 14),
    targetMac: macString(p, 18),
    targetIp: ipString(p, 24),
  };
}

/** RFC 1071 ones'-complement sum of 16-bit words, folded and inverted. */
export function internetChecksum(buf, initial = 0) {
  let sum = initial;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2) sum += buf[buf.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const IPV4_HEADER_BYTES = 20;
const UDP_HEADER_BYTES = 8;
const DEFAULT_TTL = 64;

function pseudoHeaderSum(src, dst, proto, length) {
  const ph = Buffer.alloc(12);
  ipBytes(src).copy(ph, 0);
  ipBytes(dst).copy(ph, 4);
  ph[9] = proto;
  ph.writeUInt16BE(length, 10);
  return ~internetChecksum(ph) & 0xffff;
}

/** An IPv4/UDP frame with correct IP and UDP checksums (set `udpChecksum: false` for 0). */
export function ipv4Udp({
  srcMac,
  dstMac,
  srcIp,
  dstIp,
  srcPort,
  dstPort,
  payload,
  id = 0,
  udpChecksum = true,
}) {
  const udp = Buffer.alloc(UDP_HEADER_BYTES + payload.length);
  udp.writeUInt16BE(srcPort, 0);
  udp.writeUInt16BE(dstPort, 2);
  udp.writeUInt16BE(udp.length, 4);
  Buffer.from(payload).copy(udp, UDP_HEADER_BYTES);
  if (udpChecksum) {
    // RFC 768: a computed 0 is sent as 0xffff, since 0 means "no checksum".
    udp.writeUInt16BE(
      internetChecksum(udp, pseudoHeaderSum(srcIp, dstIp, IPPROTO_UDP, udp.length)) || 0xffff,
      6,
    );
  }
  const ip = Buffer.alloc(IPV4_HEADER_BYTES);
  ip[0] = 0x45; // version 4, 5 words of header
  ip.writeUInt16BE(IPV4_HEADER_BYTES + udp.length, 2);
  ip.writeUInt16BE(id, 4);
  ip[8] = DEFAULT_TTL;
  ip[9] = IPPROTO_UDP;
  ipBytes(srcIp).copy(ip, 12);
  ipBytes(dstIp).copy(ip, 16);
  ip.writeUInt16BE(internetChecksum(ip), 10);
  return ethernet({
    dst: dstMac,
    src: srcMac,
    type: ETHERTYPE_IPV4,
    payload: Buffer.concat([ip, udp]),
  });
}

/**
 * Checks the IPv4 header checksum and the TCP/UDP checksum of a frame, as a receiver
 * would (the sum over the covered bytes including the checksum field must be 0).
 * Returns null for a non-IPv4 frame.
 */
export function verifyIpv4Checksums(frame) {
  const eth = parseEthernet(frame);
  if (eth.type !== ETHERTYPE_IPV4) return null;
  const ip = eth.payload;
  const ihl = (ip[0] & 0x0f) * 4;
  const total = ip.readUInt16BE(2);
  const proto = ip[9];
  const ipOk = internetChecksum(ip.subarray(0, ihl)) === 0;
  const l4 = ip.subarray(ihl, total);
  const src = ipString(ip, 12);
  const dst = ipString(ip, 16);
  let l4Ok = null;
  const udpUnchecked = proto === IPPROTO_UDP && l4.readUInt16BE(6) === 0;
  if ((proto === IPPROTO_UDP || proto === IPPROTO_TCP) && !udpUnchecked) {
    l4Ok = internetChecksum(l4, pseudoHeaderSum(src, dst, proto, l4.length)) === 0;
  }
  return { proto, src, dst, ipOk, l4Ok };
}

// Numbered test frames: [dst][src][0x88b5][magic u32][seq u32][length u16][pattern...].
// The pattern depends on seq and position, so a frame that is truncated, corrupted,
// duplicated or reordered is detected by parseTestFrame + the caller's sequence check.
const TEST_MAGIC = 0x6e69_6364; // "nicd"
const TEST_HEADER_BYTES = ETH_HEADER_BYTES + 10;

export function testFrame({ dst, src, seq, length }) {
  if (length < TEST_HEADER_BYTES || length < ETH_MIN_FRAME_BYTES)
    throw new Error(`test frame too short: ${length}`);
  const frame = ethernet({
    dst,
    src,
    type: ETHERTYPE_TEST,
    payload: Buffer.alloc(length - ETH_HEADER_BYTES),
  });
  frame.writeUInt32BE(TEST_MAGIC, ETH_HEADER_BYTES);
  frame.writeUInt32BE(seq >>> 0, ETH_HEADER_BYTES + 4);
  frame.writeUInt16BE(length, ETH_HEADER_BYTES + 8);
  for (let i = TEST_HEADER_BYTES; i < length; i++) frame[i] = patternByte(seq, i);
  return frame;
}

const patternByte = (seq, i) => (seq * 31 + i * 7) & 0xff;

/**
 * { seq, length, intact } for one of our test frames, null for any other frame. A frame
 * longer than its stated length (e.g. padded) is intact if its first `length` bytes are.
 */
export function parseTestFrame(frame) {
  if (frame.length < TEST_HEADER_BYTES || frame.readUInt16BE(12) !== ETHERTYPE_TEST) return null;
  if (frame.readUInt32BE(ETH_HEADER_BYTES) !== TEST_MAGIC) return null;
  const seq = frame.readUInt32BE(ETH_HEADER_BYTES + 4);
  const length = frame.readUInt16BE(ETH_HEADER_BYTES + 8);
  let intact = frame.length >= length;
  for (let i = TEST_HEADER_BYTES; intact && i < length; i++)
    intact = frame[i] === patternByte(seq, i);
  return { seq, length, intact };
}
