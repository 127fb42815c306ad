/**
 * `nicdl send`, `recv`, `ping` and `pktgen` on the e1000 twin, in-process through oclif:
 * frames from and to pcap files, bad frames refused before anything is sent, ping through
 * the simulated peer, generated traffic counted on the twin's wire.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Ping from '../../cli/commands/ping.js';
import Pktgen from '../../cli/commands/pktgen.js';
import Recv from '../../cli/commands/recv.js';
import Send from '../../cli/commands/send.js';
import {
  checkTestFrame,
  makeTestFrame,
  parseMac,
  readPcap,
  writePcap,
} from '../../runtime/packet/index.js';
import { errorLine, runCli } from './helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nicdl-cli-traffic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ours = parseMac('52:54:00:12:34:56');
const broadcast = parseMac('ff:ff:ff:ff:ff:ff');

describe('nicdl send', () => {
  it('sends generated frames and the twin puts exactly those on its wire', async () => {
    const wire = join(dir, 'wire.pcap');
    const r = await runCli(Send, ['--count', '7', '--size', '333', '--wire-out', wire]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sent 7 frames \(2,331 bytes\) from 52:54:00:12:34:56 on sim/m);
    expect(r.stdout).toContain(
      'twin wire: 7 frames (2,331 bytes) left the device, first to ff:ff:ff:ff:ff:ff',
    );
    const frames = readPcap(wire).records.map((x) => x.data);
    expect(frames).toHaveLength(7);
    frames.forEach((f, i) => expect(checkTestFrame(f, i, broadcast, ours)).toBeUndefined());
  });

  it('refuses frames under 14 bytes or over the maximum, before sending anything', async () => {
    const small = await runCli(Send, ['--size', '13']);
    expect(small.exitCode).toBe(1);
    expect(errorLine(small)).toBe(
      'nicdl: error E_FRAME_SIZE: a generated frame (--size) of 13 bytes is shorter than an Ethernet header (14 bytes)',
    );
    const big = await runCli(Send, ['--size', '1515']);
    expect(errorLine(big)).toBe(
      'nicdl: error E_FRAME_SIZE: a generated frame (--size) of 1515 bytes is longer than the maximum frame size (1514 bytes)',
    );
    const pcap = join(dir, 'mixed.pcap');
    writePcap(pcap, [makeTestFrame(0, 100, broadcast, ours), new Uint8Array(10)]);
    const mixed = await runCli(Send, ['--pcap', pcap]);
    expect(mixed.exitCode).toBe(1);
    expect(errorLine(mixed)).toContain(
      `frame 2 of ${pcap} of 10 bytes is shorter than an Ethernet header`,
    );
    expect(mixed.stdout).not.toContain('sent');
  });

  it('names a missing pcap and a malformed MAC without touching a device', async () => {
    const missing = await runCli(Send, ['--pcap', join(dir, 'nope.pcap')]);
    expect(missing.exitCode).toBe(3);
    expect(errorLine(missing)).toBe(
      `nicdl: error E_PCAP_NOT_FOUND: ${join(dir, 'nope.pcap')}: no such pcap file`,
    );
    const mac = await runCli(Send, ['--dst', '52:54:00:12:34']);
    expect(mac.exitCode).toBe(1);
    expect(errorLine(mac)).toMatch(
      /^nicdl: error E_BAD_MAC: '52:54:00:12:34' is not a MAC address/,
    );
  });
});

describe('nicdl recv', () => {
  it('round-trips a pcap: frames sent by one twin, injected into another, written out byte for byte', async () => {
    const sent = join(dir, 'sent.pcap');
    const got = join(dir, 'got.pcap');
    await runCli(Send, [
      '--count',
      '300',
      '--size',
      '200',
      '--dst',
      '52:54:00:12:34:56',
      '--wire-out',
      sent,
    ]);
    const r = await runCli(Recv, [
      '--inject-pcap',
      sent,
      '--out',
      got,
      '--count',
      '300',
      '--timeout',
      '5000',
      '--quiet',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^received 300 frames \(60,000 bytes\) on sim, written to /m);
    const a = readPcap(sent).records.map((x) => [...x.data]);
    const b = readPcap(got).records.map((x) => [...x.data]);
    expect(b).toEqual(a);
  });

  it('lists the frames that pass the filter, and fails when --count is not reached in time', async () => {
    const pcap = join(dir, 'filtered.pcap');
    const other = parseMac('02:00:00:00:00:01');
    writePcap(pcap, [
      makeTestFrame(0, 64, broadcast, other),
      makeTestFrame(1, 64, other, other),
      makeTestFrame(2, 64, ours, other),
    ]);
    // Device time: the receiver only starts 1 s after bring-up's RCTL write (QEMU's quirk).
    const r = await runCli(Recv, ['--inject-pcap', pcap, '--count', '3', '--timeout', '2000']);
    expect(r.stdout).toMatch(
      /^\s+1  02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype 0x88b5, 64 bytes$/m,
    );
    expect(r.stdout).toMatch(
      /^\s+2  02:00:00:00:00:01 > 52:54:00:12:34:56, ethertype 0x88b5, 64 bytes$/m,
    );
    expect(r.stdout).toContain('received 2 frames (128 bytes)');
    expect(r.exitCode).toBe(9);
    expect(errorLine(r)).toBe('nicdl: error E_RECV_TIMEOUT: received 2 of 3 frames in 2000 ms');
    const promisc = await runCli(Recv, [
      '--inject-pcap',
      pcap,
      '--count',
      '3',
      '--timeout',
      '2000',
      '--promisc',
      '--quiet',
    ]);
    expect(promisc.exitCode, promisc.stderr).toBe(0);
  });
});

describe('nicdl ping', () => {
  it('on the twin, the simulated peer answers: summary like ping with 0% loss', async () => {
    const r = await runCli(Ping, ['10.0.2.2', '--count', '3', '--interval', '0.2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('simulated peer');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('PING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.');
    expect(
      lines
        .slice(1, 4)
        .every((l) =>
          /^64 bytes from 10\.0\.2\.2: icmp_seq=\d ttl=255 time=\d+\.\d{3} ms$/.test(l),
        ),
    ).toBe(true);
    expect(lines).toContain('--- 10.0.2.2 ping statistics ---');
    expect(r.stdout).toMatch(/^3 packets transmitted, 3 received, 0% packet loss, time \d+ms$/m);
    expect(r.stdout).toMatch(
      /^rtt min\/avg\/max\/mdev = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/m,
    );
  });

  it('reaches an address outside the subnet through the gateway; --json has the statistics', async () => {
    const r = await runCli(Ping, ['192.0.2.7', '--count', '2', '--size', '1000', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as {
      transmitted: number;
      received: number;
      lossPercent: number;
      replies: Array<{ bytes: number }>;
    };
    expect(s).toMatchObject({ transmitted: 2, received: 2, lossPercent: 0 });
    expect(s.replies[0].bytes).toBe(1008);
  });

  it('refuses a malformed address and a request larger than a frame', async () => {
    const ip = await runCli(Ping, ['10.0.2.300']);
    expect(ip.exitCode).toBe(1);
    expect(errorLine(ip)).toMatch(/^nicdl: error E_BAD_IP: '10\.0\.2\.300' is not an IPv4 address/);
    const big = await runCli(Ping, ['--size', '1473', '--count', '1']);
    expect(errorLine(big)).toMatch(
      /^nicdl: error E_FRAME_SIZE: --size 1473: a request would be 1515 bytes/,
    );
    const interval = await runCli(Ping, ['--interval', 'abc']);
    expect(interval.exitCode).toBe(1);
    expect(errorLine(interval)).toBe(
      'nicdl: error E_BAD_FLAG: --interval abc: expected a number of seconds, e.g. 0.2',
    );
  });
});

describe('nicdl pktgen', () => {
  it('sends for the duration, reports pps, and every frame reaches the twin wire', async () => {
    const r = await runCli(Pktgen, ['--duration', '1', '--size', '128', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as {
      sent: number;
      pps: number;
      seconds: number;
      wire: { frames: number };
      size: number;
    };
    expect(s.size).toBe(128);
    expect(s.sent).toBeGreaterThan(1000);
    expect(s.wire.frames).toBe(s.sent);
    expect(s.seconds).toBeGreaterThanOrEqual(1);
    expect(s.pps).toBeCloseTo(s.sent / s.seconds, 0);
  });

  it('sends pre-filled TX buffers in place by default, and copies each frame with --copy', async () => {
    for (const [args, mode] of [
      [[], 'in-place'],
      [['--copy'], 'copy'],
    ] as const) {
      const r = await runCli(Pktgen, ['--duration', '1', '--json', ...args]);
      expect(r.exitCode, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as { sent: number; mode: string; wire: { frames: number } };
      expect(s.mode).toBe(mode);
      expect(s.sent).toBeGreaterThan(1000);
      expect(s.wire.frames).toBe(s.sent);
    }
  });

  it('holds a rate limit and prints live rates and a summary', async () => {
    const r = await runCli(Pktgen, ['--duration', '2', '--rate', '1000', '--burst', '8']);
    expect(r.exitCode, r.stderr).toBe(0);
    const m = /^sent ([\d,]+) frames of 60 bytes in ([\d.]+) s: ([\d,]+) pps/m.exec(r.stdout);
    expect(m).not.toBeNull();
    const sent = Number(m![1].replace(/,/g, ''));
    expect(sent).toBeGreaterThan(1800);
    expect(sent).toBeLessThanOrEqual(2010);
    expect(r.stderr).toMatch(/^pktgen\s+1 s:\s+[\d,]+ pps/m);
  });
});
