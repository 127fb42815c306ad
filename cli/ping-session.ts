/**
 * A minimal IPv4 host on top of a NicDriver, enough for ping: resolve the next hop with
 * ARP (answering ARP requests for our own address meanwhile, as peers like slirp ask
 * before they reply), send ICMP echo requests, match the replies by identifier and
 * sequence number, and keep the round-trip times. Times are the driver's clock: real
 * time on hardware, the twin's virtual time on the twin.
 */
import { ExitCode, NicdlError } from '../spec/errors.js';
import type { NicDriver } from '../runtime/nic.js';
import {
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  buildArpReply,
  buildArpRequest,
  buildIcmpEcho,
  formatIpv4Address,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  parseArp,
  parseIcmpEcho,
  parseMac,
  type IcmpEcho,
} from '../runtime/packet/index.js';
import type { StopSignal } from './stop-signal.js';

export interface EchoReply {
  seq: number;
  ttl: number;
  /** ICMP bytes (header + data), what ping prints as "N bytes from". */
  bytes: number;
  rttUs: number;
}

const US_PER_MS = 1000;
const RX_BATCH = 32;
const WAIT_STEP_MS = 10;
const ARP_ATTEMPTS = 3;
const ARP_WAIT_US = 1_000_000;

export class PingSession {
  readonly ourMac: Uint8Array;
  private peerMac: Uint8Array | undefined;
  /** Send time of each outstanding sequence number (device time, µs). */
  private readonly outstanding = new Map<number, number>();
  private readonly replies: EchoReply[] = [];
  duplicates = 0;
  badChecksums = 0;

  constructor(
    private readonly driver: NicDriver,
    private readonly stop: StopSignal,
    readonly ourIp: number,
    readonly dest: number,
    /** Who gets the frames: dest itself when on our subnet, else the gateway. */
    readonly nextHop: number,
    readonly id: number,
  ) {
    this.ourMac = parseMac(driver.mac);
  }

  /** Resolve the next hop's MAC; E_ARP_TIMEOUT when nobody answers. */
  async resolve(): Promise<Uint8Array> {
    for (let attempt = 0; attempt < ARP_ATTEMPTS && !this.peerMac; attempt++) {
      this.send(buildArpRequest(this.ourMac, this.ourIp, this.nextHop));
      await this.pump(this.driver.clock.nowUs() + ARP_WAIT_US, () => this.peerMac !== undefined);
      this.stop.check('ARP resolution');
    }
    if (this.peerMac) return this.peerMac;
    throw new NicdlError(
      'E_ARP_TIMEOUT',
      `no ARP reply from ${formatIpv4Address(this.nextHop)} after ${ARP_ATTEMPTS} requests (link down, wrong --ip or --gateway?)`,
      ExitCode.timeout,
      { nextHop: formatIpv4Address(this.nextHop) },
    );
  }

  /** Send echo request `seq` carrying `data`. */
  sendEcho(seq: number, data: Uint8Array): void {
    if (!this.peerMac) throw new Error('sendEcho before resolve');
    const frame = buildIcmpEcho(ICMP_ECHO_REQUEST, {
      ethDst: this.peerMac,
      ethSrc: this.ourMac,
      src: this.ourIp,
      dst: this.dest,
      id: this.id,
      seq,
      data,
    });
    this.outstanding.set(seq, this.driver.clock.nowUs());
    this.send(frame);
  }

  /** Process frames until `untilUs` (device time) or until `done()`; replies go to `onReply`. */
  async pump(
    untilUs: number,
    done: () => boolean = () => false,
    onReply?: (r: EchoReply) => void,
  ): Promise<void> {
    const onFrame = (frame: Uint8Array) => this.handle(frame, onReply);
    while (!done() && !this.stop.stopped) {
      this.driver.reclaim();
      if (this.driver.receive(RX_BATCH, onFrame) > 0) continue;
      const leftUs = untilUs - this.driver.clock.nowUs();
      if (leftUs <= 0) return;
      await this.driver.waitForReceive(Math.min(WAIT_STEP_MS, Math.ceil(leftUs / US_PER_MS)));
    }
  }

  get outstandingCount(): number {
    return this.outstanding.size;
  }

  get received(): readonly EchoReply[] {
    return this.replies;
  }

  private handle(frame: Uint8Array, onReply?: (r: EchoReply) => void): void {
    const arp = parseArp(frame);
    if (arp) {
      if (arp.op === ARP_OP_REPLY && arp.senderIp === this.nextHop) this.peerMac ??= arp.senderMac;
      if (arp.op === ARP_OP_REQUEST && arp.targetIp === this.ourIp)
        this.send(buildArpReply(arp, this.ourMac, this.ourIp));
      return;
    }
    const echo = parseIcmpEcho(frame);
    if (!echo || echo.type !== ICMP_ECHO_REPLY || echo.id !== this.id || echo.src !== this.dest)
      return;
    this.record(echo, onReply);
  }

  private record(echo: IcmpEcho, onReply?: (r: EchoReply) => void): void {
    if (!echo.checksumOk) {
      this.badChecksums++;
      return;
    }
    const sentUs = this.outstanding.get(echo.seq);
    if (sentUs === undefined) {
      this.duplicates++;
      return;
    }
    this.outstanding.delete(echo.seq);
    const reply = {
      seq: echo.seq,
      ttl: echo.ttl,
      bytes: echo.dataBytes + 8,
      rttUs: this.driver.clock.nowUs() - sentUs,
    };
    this.replies.push(reply);
    onReply?.(reply);
  }

  private send(frame: Uint8Array): void {
    this.driver.reclaim();
    if (this.driver.transmit([frame]) !== 1) {
      throw new NicdlError(
        'E_TX_FULL',
        'the transmit ring is full: the device is not sending (link down?)',
        ExitCode.deviceFault,
      );
    }
  }
}

export interface PingStatistics {
  transmitted: number;
  received: number;
  lossPercent: number;
  timeMs: number;
  rttMs?: { min: number; avg: number; max: number; mdev: number };
}

/** What ping's summary reports; mdev is the standard deviation of the RTTs (as iputils). */
export function pingStatistics(
  transmitted: number,
  replies: readonly EchoReply[],
  timeMs: number,
): PingStatistics {
  const received = replies.length;
  const lossPercent = transmitted ? ((transmitted - received) * 100) / transmitted : 0;
  const stats: PingStatistics = { transmitted, received, lossPercent, timeMs };
  if (!received) return stats;
  const rtts = replies.map((r) => r.rttUs / US_PER_MS);
  const avg = rtts.reduce((a, b) => a + b, 0) / received;
  const meanSquare = rtts.reduce((a, b) => a + b * b, 0) / received;
  return {
    ...stats,
    rttMs: {
      min: Math.min(...rtts),
      avg,
      max: Math.max(...rtts),
      mdev: Math.sqrt(Math.max(0, meanSquare - avg * avg)),
    },
  };
}

/** The two summary lines, formatted as iputils ping prints them. */
export function pingSummaryLines(s: PingStatistics): string[] {
  // iputils prints the loss with %g: "0%", "25%", "33.3333%".
  const loss = Number(s.lossPercent.toPrecision(6));
  const lines = [
    `${s.transmitted} packets transmitted, ${s.received} received, ${loss}% packet loss, time ${Math.round(s.timeMs)}ms`,
  ];
  if (s.rttMs) {
    const { min, avg, max, mdev } = s.rttMs;
    lines.push(
      `rtt min/avg/max/mdev = ${[min, avg, max, mdev].map((v) => v.toFixed(3)).join('/')} ms`,
    );
  }
  return lines;
}
