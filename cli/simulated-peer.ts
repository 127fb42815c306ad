/**
 * THE SIMULATED PEER — only for `--sim`. The twin's wire has nobody at the other end, so
 * `nicdl ping --sim` would always time out. This stands in for QEMU's slirp gateway: it
 * watches what the twin transmits, answers ARP who-has for its addresses and ICMP echo
 * requests sent to them (as a gateway answering for a host behind it would), and delivers each answer into the twin after a fixed latency of
 * the twin's (virtual) time. It never runs against hardware; output that depends on it
 * says "simulated peer".
 */
import {
  ARP_OP_REQUEST,
  buildArpReply,
  buildIcmpEcho,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  macEquals,
  parseArp,
  parseIcmpEcho,
  parseMac,
} from '../runtime/packet/index.js';
import type { SimDevice } from '../runtime/sim/device.js';

/** slirp's gateway MAC and address: what a QEMU guest sees at 10.0.2.2. */
export const SIM_PEER_MAC = '52:55:0a:00:02:02';
/** One-way wire + stack latency the peer adds, in microseconds of twin time. */
export const SIM_PEER_LATENCY_US = 50;
/** slirp answers echo requests itself; its replies carry TTL 255. */
const PEER_TTL = 255;

export interface SimPeerCounts {
  arpReplies: number;
  echoReplies: number;
}

export class SimulatedPeer {
  readonly mac: Uint8Array;
  readonly counts: SimPeerCounts = { arpReplies: 0, echoReplies: 0 };
  private detach: (() => void) | undefined;

  /** `ips`: the addresses the peer owns (answers ARP and echo for), e.g. the gateway. */
  constructor(
    private readonly sim: SimDevice,
    readonly ips: readonly number[],
    mac = SIM_PEER_MAC,
    readonly latencyUs = SIM_PEER_LATENCY_US,
  ) {
    this.mac = parseMac(mac);
  }

  start(): this {
    this.detach ??= this.sim.wire.onTransmit((frame) => this.answer(frame));
    return this;
  }

  stop(): void {
    this.detach?.();
    this.detach = undefined;
  }

  /** Called for every frame the twin sends (the view is valid only during the call). */
  private answer(frame: Uint8Array): void {
    const arp = parseArp(frame);
    if (arp) {
      if (arp.op === ARP_OP_REQUEST && this.ips.includes(arp.targetIp)) {
        this.counts.arpReplies++;
        this.deliver(buildArpReply(arp, this.mac, arp.targetIp));
      }
      return;
    }
    const echo = parseIcmpEcho(frame);
    if (
      !echo ||
      echo.type !== ICMP_ECHO_REQUEST ||
      !this.ips.includes(echo.dst) ||
      !echo.checksumOk
    )
      return;
    if (!macEquals(frame, 0, this.mac)) return; // not addressed to us at layer 2
    this.counts.echoReplies++;
    this.deliver(
      buildIcmpEcho(ICMP_ECHO_REPLY, {
        ethDst: frame.slice(6, 12),
        ethSrc: this.mac,
        src: echo.dst,
        dst: echo.src,
        id: echo.id,
        seq: echo.seq,
        data: echo.data,
        ttl: PEER_TTL,
      }),
    );
  }

  /** Later, in twin time: never re-enter the device from inside its transmit path. */
  private deliver(reply: Uint8Array): void {
    this.sim.clock.schedule(this.latencyUs, () => this.sim.receive(reply));
  }
}
