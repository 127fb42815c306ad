// The host peer's frame toolkit (test/e2e/lib/frames.mjs): it judges the driver, so it must
// itself detect corruption.
import { describe, expect, it } from 'vitest';
import {
  ARP_REQUEST,
  arp,
  internetChecksum,
  ipv4Udp,
  parseArp,
  parseTestFrame,
  testFrame,
  verifyIpv4Checksums,
} from '../e2e/lib/frames.mjs';
import { nicMac, nicPciAddress } from '../e2e/lib/layout.mjs';

const A = { mac: '02:00:00:00:00:01', ip: '192.0.2.1' };
const B = { mac: '52:54:00:12:34:56', ip: '192.0.2.2' };

describe('frames', () => {
  it('computes the RFC 1071 checksum of its worked example', () => {
    // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement: 220d).
    expect(internetChecksum(Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(
      0x220d,
    );
  });

  it('builds UDP frames whose IP and UDP checksums verify, and catches one flipped bit', () => {
    const f = ipv4Udp({
      srcMac: A.mac,
      dstMac: B.mac,
      srcIp: A.ip,
      dstIp: B.ip,
      srcPort: 1234,
      dstPort: 7,
      payload: Buffer.from('hello, odd'),
    });
    expect(verifyIpv4Checksums(f)).toMatchObject({
      ipOk: true,
      l4Ok: true,
      src: A.ip,
      dst: B.ip,
      proto: 17,
    });
    const payloadBit = Buffer.from(f);
    payloadBit[14 + 20 + 8 + 3] ^= 0x10;
    expect(verifyIpv4Checksums(payloadBit)).toMatchObject({ ipOk: true, l4Ok: false });
    const headerBit = Buffer.from(f);
    headerBit[14 + 8] ^= 0x01; // TTL
    expect(verifyIpv4Checksums(headerBit)).toMatchObject({ ipOk: false });
  });

  it('pads short frames to the 60-byte Ethernet minimum', () => {
    expect(arp({ op: ARP_REQUEST, senderMac: A.mac, senderIp: A.ip, targetIp: B.ip }).length).toBe(
      60,
    );
  });

  it('round-trips ARP', () => {
    const f = arp({ op: ARP_REQUEST, senderMac: A.mac, senderIp: A.ip, targetIp: B.ip });
    expect(parseArp(f)).toEqual({
      op: ARP_REQUEST,
      senderMac: A.mac,
      senderIp: A.ip,
      targetMac: '00:00:00:00:00:00',
      targetIp: B.ip,
    });
    expect(f.subarray(0, 6).toString('hex')).toBe('ffffffffffff');
  });

  it('numbered test frames detect truncation and corruption', () => {
    for (const length of [60, 61, 1514, 9014]) {
      const f = testFrame({ dst: B.mac, src: A.mac, seq: 77, length });
      expect(f.length).toBe(length);
      expect(parseTestFrame(f)).toEqual({ seq: 77, length, intact: true });
      const bad = Buffer.from(f);
      bad[length - 1] ^= 0xff;
      expect(parseTestFrame(bad)?.intact).toBe(false);
      expect(parseTestFrame(f.subarray(0, length - 1))?.intact).toBe(false);
    }
    expect(
      parseTestFrame(arp({ op: ARP_REQUEST, senderMac: A.mac, senderIp: A.ip, targetIp: B.ip })),
    ).toBeNull();
  });
});

describe('machine layout', () => {
  it('puts nic0 at 00:02.0 with QEMU default MAC, nic1 at 00:03.0', () => {
    expect(nicPciAddress(0)).toBe('0000:00:02.0');
    expect(nicMac(0)).toBe('52:54:00:12:34:56');
    expect(nicPciAddress(1)).toBe('0000:00:03.0');
    expect(nicMac(1)).toBe('52:54:00:12:34:57');
  });
});
