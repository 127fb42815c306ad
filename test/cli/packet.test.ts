/**
 * runtime/packet: what ping, send and recv rely on — addresses, ARP and ICMP frames a
 * real stack would accept, pcap files that round-trip, test frames that catch any
 * changed byte.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  buildArpReply,
  buildArpRequest,
  buildIcmpEcho,
  checkTestFrame,
  formatIpv4Address,
  formatMac,
  ICMP_ECHO_REQUEST,
  internetChecksum,
  makeTestFrame,
  parseArp,
  parseIcmpEcho,
  parseIpv4Address,
  parseMac,
  parsePcap,
  readPcap,
  writePcap,
} from '../../runtime/packet/index.js';
import { isNicdlError } from '../../spec/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nicdl-packet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ours = parseMac('52:54:00:12:34:56');
const peer = parseMac('52-55-0A-00-02-02');

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isNicdlError(e) ? e.code : 'not a NicdlError';
  }
  return undefined;
}

describe('addresses', () => {
  it('parses and formats MAC and IPv4 addresses', () => {
    expect(formatMac(peer)).toBe('52:55:0a:00:02:02');
    expect(formatIpv4Address(parseIpv4Address('10.0.2.15'))).toBe('10.0.2.15');
    expect(parseIpv4Address('255.255.255.255')).toBe(0xffff_ffff);
  });
  it('refuses malformed addresses with typed errors', () => {
    expect(errorCode(() => parseMac('52:54:00:12:34'))).toBe('E_BAD_MAC');
    expect(errorCode(() => parseMac('52:54:00:12:34:5g'))).toBe('E_BAD_MAC');
    expect(errorCode(() => parseIpv4Address('10.0.2.256'))).toBe('E_BAD_IP');
    expect(errorCode(() => parseIpv4Address('10.0.2'))).toBe('E_BAD_IP');
  });
});

describe('ARP and ICMP', () => {
  const us = parseIpv4Address('10.0.2.15');
  const gw = parseIpv4Address('10.0.2.2');

  it('builds a who-has that parses back, and a reply to it', () => {
    const req = parseArp(buildArpRequest(ours, us, gw));
    expect(req).toMatchObject({ op: ARP_OP_REQUEST, senderIp: us, targetIp: gw });
    const reply = parseArp(buildArpReply(req!, peer, gw));
    expect(reply?.op).toBe(ARP_OP_REPLY);
    expect(formatMac(reply!.senderMac)).toBe('52:55:0a:00:02:02');
    expect(reply?.targetIp).toBe(us);
  });

  it('builds echo requests with valid IP and ICMP checksums (a known frame)', () => {
    const data = Uint8Array.from({ length: 56 }, (_, i) => i);
    const frame = buildIcmpEcho(ICMP_ECHO_REQUEST, {
      ethDst: peer,
      ethSrc: ours,
      src: us,
      dst: gw,
      id: 0x1234,
      seq: 7,
      data,
    });
    expect(frame.length).toBe(14 + 20 + 8 + 56);
    expect(internetChecksum(frame, 14, 34)).toBe(0); // IPv4 header verifies
    const echo = parseIcmpEcho(frame);
    expect(echo).toMatchObject({
      type: 8,
      id: 0x1234,
      seq: 7,
      src: us,
      dst: gw,
      ttl: 64,
      dataBytes: 56,
      checksumOk: true,
    });
    frame[50] ^= 1;
    expect(parseIcmpEcho(frame)?.checksumOk).toBe(false);
  });
});

describe('pcap', () => {
  it('round-trips frames and timestamps', () => {
    const frames = [
      makeTestFrame(0, 60, peer, ours),
      makeTestFrame(1, 1514, peer, ours),
      new Uint8Array(14),
    ];
    const path = join(dir, 'rt.pcap');
    writePcap(path, frames, [1_700_000_000_123_456, 1_700_000_001_000_001, 1_700_000_002_000_000]);
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(24 + 3 * 16 + 60 + 1514 + 14);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(bytes.readUInt32LE(20)).toBe(1); // Ethernet
    const { records } = readPcap(path);
    expect(records.map((r) => [...r.data])).toEqual(frames.map((f) => [...f]));
    expect(records[0].timestampUs).toBe(1_700_000_000_123_456);
  });

  it('reads big-endian nanosecond files', () => {
    const b = Buffer.alloc(24 + 16 + 20);
    b.writeUInt32BE(0xa1b23c4d, 0);
    b.writeUInt16BE(2, 4);
    b.writeUInt16BE(4, 6);
    b.writeUInt32BE(65535, 16);
    b.writeUInt32BE(1, 20);
    b.writeUInt32BE(10, 24);
    b.writeUInt32BE(5000, 28);
    b.writeUInt32BE(20, 32);
    b.writeUInt32BE(20, 36);
    b.fill(7, 40);
    const { records } = parsePcap(b);
    expect(records).toHaveLength(1);
    expect(records[0].timestampUs).toBe(10_000_005);
    expect(records[0].data.every((x) => x === 7)).toBe(true);
  });

  it('names a missing, foreign or truncated file', () => {
    expect(errorCode(() => readPcap(join(dir, 'missing.pcap')))).toBe('E_PCAP_NOT_FOUND');
    const path = join(dir, 'text.pcap');
    writeFileSync(path, 'hello, this is not a capture file');
    expect(errorCode(() => readPcap(path))).toBe('E_PCAP_FORMAT');
    const good = join(dir, 'cut.pcap');
    writePcap(good, [makeTestFrame(0, 100, peer, ours)]);
    writeFileSync(good, readFileSync(good).subarray(0, 24 + 16 + 50));
    expect(errorCode(() => readPcap(good))).toBe('E_PCAP_FORMAT');
  });
});

describe('test frames', () => {
  it('detect any changed byte, a wrong sequence and a wrong length', () => {
    const f = makeTestFrame(41, 200, peer, ours);
    expect(checkTestFrame(f, 41, peer, ours)).toBeUndefined();
    expect(checkTestFrame(f, 42, peer, ours)).toMatch(/sequence 41/);
    expect(checkTestFrame(f.subarray(0, 199), 41, peer, ours)).toMatch(/199 bytes/);
    for (const i of [0, 7, 13, 20, 150, 199]) {
      const g = f.slice();
      g[i] ^= 0x80;
      expect(checkTestFrame(g, 41, peer, ours), `byte ${i}`).toBeDefined();
    }
  });
});
