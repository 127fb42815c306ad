/**
 * `nicdl ping DEST`: ARP for the next hop, then ICMP echo requests, printed the way
 * iputils ping prints them. The default addresses are QEMU slirp's (we are 10.0.2.15,
 * the gateway 10.0.2.2 answers pings). On the twin a simulated peer plays the gateway.
 */
import { Args, Flags } from '@oclif/core';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { NicdlCommand } from '../base.js';
import { deviceFlags, nicFlags } from '../nic-flags.js';
import { openNic } from '../open-nic.js';
import {
  PingSession,
  pingStatistics,
  pingSummaryLines,
  type EchoReply,
  type PingStatistics,
} from '../ping-session.js';
import { SimulatedPeer } from '../simulated-peer.js';
import {
  formatIpv4Address,
  formatMac,
  parseIpv4Address,
  sameSubnet,
} from '../../runtime/packet/index.js';

const SLIRP_GUEST_IP = '10.0.2.15';
const SLIRP_GATEWAY_IP = '10.0.2.2';
const DEFAULT_PREFIX_BITS = 24;
const DEFAULT_DATA_BYTES = 56;
/** Largest ICMP data that fits a 1514-byte frame: 1514 - 14 (Ethernet) - 20 (IPv4) - 8 (ICMP). */
const HEADERS_BYTES = 14 + 20 + 8;
const US_PER_S = 1_000_000;
const US_PER_MS = 1000;
const ICMP_ID_MASK = 0xffff;

/** A flag value in seconds (fractions allowed); one-line E_BAD_FLAG otherwise. */
function seconds(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0)
    throw new NicdlError(
      'E_BAD_FLAG',
      `--${flag} ${text}: expected a number of seconds, e.g. 0.2`,
      ExitCode.usage,
      { flag, value: text },
    );
  return v;
}

export default class Ping extends NicdlCommand {
  static override summary =
    'Send ICMP echo requests to DEST (after ARP) and report round-trip times like ping';
  static override description =
    'Addresses default to QEMU user networking (slirp): --ip 10.0.2.15/24, --gateway 10.0.2.2. A DEST outside our ' +
    'subnet is reached through the gateway. Times are measured with the driver clock: on the twin that is its virtual ' +
    'time, and a simulated peer at the gateway address answers ARP and echo requests.';
  static override examples = [
    '<%= config.bin %> ping 10.0.2.2',
    '<%= config.bin %> ping 10.0.2.2 --pci 0000:00:02.0 --count 10 --interval 0.2',
  ];
  static override enableJsonFlag = true;
  static override args = {
    dest: Args.string({ description: 'IPv4 address to ping', default: SLIRP_GATEWAY_IP }),
  };
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    count: Flags.integer({
      char: 'c',
      description: 'echo requests to send (0: until Ctrl-C)',
      default: 4,
      min: 0,
    }),
    interval: Flags.string({
      char: 'i',
      description: 'seconds between requests (device time)',
      default: '1',
    }),
    size: Flags.integer({
      char: 's',
      description: 'ICMP data bytes per request',
      default: DEFAULT_DATA_BYTES,
      min: 0,
    }),
    ip: Flags.string({
      description: 'our address, with an optional /prefix',
      default: `${SLIRP_GUEST_IP}/${DEFAULT_PREFIX_BITS}`,
    }),
    gateway: Flags.string({
      description: 'gateway for destinations outside our subnet',
      default: SLIRP_GATEWAY_IP,
    }),
    wait: Flags.string({
      char: 'W',
      description: 'seconds to wait for the last reply',
      default: '1',
    }),
  };

  async run(): Promise<
    PingStatistics & { dest: string; replies: EchoReply[]; simulatedPeer?: boolean }
  > {
    const { args, flags } = await this.parse(Ping);
    const intervalS = seconds('interval', flags.interval);
    const waitS = seconds('wait', flags.wait);
    const dest = parseIpv4Address(args.dest);
    const [ipText, prefixText] = flags.ip.split('/');
    const ourIp = parseIpv4Address(ipText);
    const prefix = prefixText === undefined ? DEFAULT_PREFIX_BITS : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32)
      throw new NicdlError('E_BAD_IP', `--ip ${flags.ip}: the prefix must be 0-32`, ExitCode.usage);
    const gateway = parseIpv4Address(flags.gateway);
    const nextHop = sameSubnet(ourIp, dest, prefix) ? dest : gateway;

    const nic = await openNic(flags, { onCleanup: (fn) => this.onCleanup(fn) });
    const { driver, stop } = nic;
    if (HEADERS_BYTES + flags.size > driver.config.maxFrameBytes) {
      throw new NicdlError(
        'E_FRAME_SIZE',
        `--size ${flags.size}: a request would be ${HEADERS_BYTES + flags.size} bytes, over the maximum frame of ${driver.config.maxFrameBytes}`,
        ExitCode.usage,
      );
    }
    if (nic.sim) {
      const peer = new SimulatedPeer(nic.sim, [...new Set([nextHop, dest])]).start();
      this.onCleanup(() => peer.stop());
      this.logToStderr(
        `nicdl: --sim: replies come from the simulated peer (${formatMac(peer.mac)}), not a real host`,
      );
    }
    const session = new PingSession(driver, stop, ourIp, dest, nextHop, process.pid & ICMP_ID_MASK);
    await session.resolve();
    this.log(
      `PING ${args.dest} (${formatIpv4Address(dest)}) ${flags.size}(${flags.size + 28}) bytes of data.`,
    );
    const data = Uint8Array.from({ length: flags.size }, (_, i) => i & 0xff);
    const startUs = driver.clock.nowUs();
    const onReply = (r: EchoReply) =>
      this.log(
        `${r.bytes} bytes from ${formatIpv4Address(dest)}: icmp_seq=${r.seq} ttl=${r.ttl} time=${formatRtt(r.rttUs)} ms`,
      );
    let sent = 0;
    while ((flags.count === 0 || sent < flags.count) && !stop.stopped) {
      session.sendEcho(++sent, data);
      const last = flags.count !== 0 && sent === flags.count;
      const windowUs = (last ? waitS : intervalS) * US_PER_S;
      await session.pump(
        driver.clock.nowUs() + windowUs,
        () => last && session.outstandingCount === 0,
        onReply,
      );
    }
    const stats = pingStatistics(
      sent,
      session.received,
      (driver.clock.nowUs() - startUs) / US_PER_MS,
    );
    this.log('');
    this.log(`--- ${args.dest} ping statistics ---`);
    for (const line of pingSummaryLines(stats)) this.log(line);
    const result = {
      ...stats,
      dest: args.dest,
      replies: [...session.received],
      ...(nic.sim ? { simulatedPeer: true } : {}),
    };
    if (stop.stopped && flags.count !== 0)
      throw stop.interruptedError(`ping (${stats.transmitted} of ${flags.count} sent)`);
    if (stats.received === 0 && sent > 0) {
      throw new NicdlError(
        'E_NO_REPLY',
        `no reply from ${args.dest} to ${sent} echo requests`,
        ExitCode.timeout,
        { ...stats },
      );
    }
    return result;
  }
}

/** iputils: 3 significant decimals below 1 ms, fewer above ("0.123", "12.3", "123"). */
function formatRtt(us: number): string {
  const ms = us / US_PER_MS;
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}
