/**
 * runtime/packet/checksum.ts and headers.ts: the Internet checksum against RFC 1071's
 * worked example and a naive reference (property, replay with NICDL_PROP_SEED), and
 * IPv4/TCP/UDP layout parsing on tagged, fragmented and truncated frames.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldSum,
  internetChecksum,
  ipv4HeaderChecksum,
  ipv4HeaderChecksumOk,
  l4Checksum,
  l4ChecksumOk,
  onesComplementSum,
} from '../../../runtime/packet/checksum.js';
import { createIpv4Layout, parseIpv4 } from '../../../runtime/packet/headers.js';
import { ipFrame } from '../../drivers/e1000/helpers.js';

const SEED =
  process.env.NICDL_PROP_SEED === undefined ? {} : { seed: Number(process.env.NICDL_PROP_SEED) };

function naive(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    s += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
    s = (s & 0xffff) + (s >>> 16);
  }
  return ~s & 0xffff;
}

describe('Internet checksum', () => {
  it('RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
    const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(foldSum(onesComplementSum(b, 0, b.length))).toBe(0xddf2);
    expect(internetChecksum(b, 0, b.length)).toBe(0x220d);
  });

  it('equals a naive reference on any bytes, any range, odd lengths included (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length ? a % bytes.length : 0;
        const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
        expect(internetChecksum(bytes, start, end)).toBe(
          naive(Array.from(bytes.subarray(start, end))),
        );
      }),
      { numRuns: 300, ...SEED },
    );
  });

  it('computes and verifies IPv4, TCP and UDP checksums of real frames', () => {
    const layout = createIpv4Layout();
    for (const protocol of ['tcp', 'udp'] as const) {
      const good = ipFrame({ protocol, payload: 101, checksums: 'correct' });
      const blank = ipFrame({ protocol, payload: 101, checksums: 'zero' });
      expect(parseIpv4(blank, layout)).toBe(true);
      expect(ipv4HeaderChecksum(blank, layout.ipOffset, layout.ipHeaderBytes)).toBe(
        (good[24] << 8) | good[25],
      );
      const at = layout.l4ChecksumOffset;
      expect(l4Checksum(blank, layout)).toBe((good[at] << 8) | good[at + 1]);
      expect(ipv4HeaderChecksumOk(good, 14, 20)).toBe(true);
      expect(l4ChecksumOk(good, layout)).toBe(true);
      expect(ipv4HeaderChecksumOk(blank, 14, 20)).toBe(false);
    }
  });
});

describe('IPv4 layout', () => {
  const layout = createIpv4Layout();

  it('finds IP and UDP behind an 802.1Q tag', () => {
    const f = ipFrame({ protocol: 'udp', payload: 10, checksums: 'zero', vlan: 7 });
    expect(parseIpv4(f, layout)).toBe(true);
    expect(layout).toMatchObject({
      ipOffset: 18,
      ipHeaderBytes: 20,
      protocol: 17,
      l4Offset: 38,
      l4Bytes: 18,
      l4ChecksumOffset: 44,
      fragment: false,
    });
  });

  it('ignores Ethernet padding after the IP packet', () => {
    const f = new Uint8Array(60);
    f.set(ipFrame({ protocol: 'tcp', payload: 0, checksums: 'zero' }));
    expect(parseIpv4(f, layout)).toBe(true);
    expect([layout.ipEnd, layout.l4Bytes]).toEqual([54, 20]);
  });

  it('marks fragments: no TCP/UDP checksum to use', () => {
    const f = ipFrame({ protocol: 'udp', payload: 10, checksums: 'zero' });
    f[20] = 0x20; // MF
    expect(parseIpv4(f, layout)).toBe(true);
    expect([layout.fragment, layout.l4ChecksumOffset]).toEqual([true, -1]);
  });

  it('rejects non-IPv4, a bad version or IHL, and truncated headers', () => {
    const f = ipFrame({ protocol: 'udp', payload: 10, checksums: 'zero' });
    const arp = f.slice();
    arp[13] = 0x06;
    const v6 = f.slice();
    v6[14] = 0x65;
    const ihl = f.slice();
    ihl[14] = 0x44;
    expect([
      parseIpv4(arp, layout),
      parseIpv4(v6, layout),
      parseIpv4(ihl, layout),
      parseIpv4(f.subarray(0, 30), layout),
    ]).toEqual([false, false, false, false]);
  });

  it('with the whole frame length given, parses a first segment holding only the headers', () => {
    const f = ipFrame({ protocol: 'tcp', payload: 500, checksums: 'zero' });
    expect(parseIpv4(f.subarray(0, 54), layout, f.length)).toBe(true);
    expect([layout.ipEnd, layout.l4Bytes, layout.l4ChecksumOffset]).toEqual([f.length, 520, 50]);
    expect(parseIpv4(f.subarray(0, 40), layout, f.length)).toBe(true);
    expect(layout.l4ChecksumOffset).toBe(-1); // the checksum field is not in hand
  });
});
