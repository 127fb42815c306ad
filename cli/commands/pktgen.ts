/**
 * `nicdl pktgen`: transmit generated frames as fast as the driver and device allow, or at
 * a given rate, for a given time; live rates every second, then a summary. The hot loop
 * allocates nothing. By default frames are sent in place from the driver's TX buffers
 * (zero-copy, runtime/nic.ts TxBuffers): each buffer is filled with a test frame the first
 * time it is taken and resent as it is after that, as Linux pktgen resends one skb
 * (clone_skb) and ixy's generator its pre-filled buffers. With --copy (or a driver
 * without TxBuffers) the burst's frames are built once and transmit() copies them into
 * DMA buffers on every send; every prefix of the burst exists up front for rate-limited sends.
 */
import { Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { bitRate, count, LiveRates, yieldToEventLoop, type RateLine } from '../live-rates.js';
import { deviceFlags, nicFlags } from '../nic-flags.js';
import { peakRssBytes } from '../memory-monitor.js';
import { openNic, type OpenedNic } from '../open-nic.js';
import type { TxBuffers } from '../../runtime/nic.js';
import {
  BROADCAST_MAC,
  checkFrameSize,
  ETH_MIN_FRAME_BYTES,
  makeTestFrame,
  parseMac,
  TEST_FRAME_MIN_BYTES,
} from '../../runtime/packet/index.js';

/** Per frame on the wire beyond its bytes: FCS 4, preamble + SFD 8, inter-frame gap 12 (IEEE 802.3). */
const WIRE_OVERHEAD_BYTES = 4 + 8 + 12;
const BITS_PER_BYTE = 8;
const MS_PER_S = 1000;
/** Longest one send batch runs before the event loop gets a turn (signals, timers). */
const BATCH_MS = 20;
/** Bursts between clock reads at full speed. */
const CLOCK_EVERY = 8;
const DRAIN_TIMEOUT_MS = 2000;
const DRAIN_POLL_US = 1000;

export interface PktgenResult {
  size: number;
  burst: number;
  ratePps: number;
  sent: number;
  bytes: number;
  seconds: number;
  pps: number;
  bps: number;
  linkMbps: number;
  lineRatePercent?: number;
  perSecond: Array<{ second: number; pps: number; bps: number }>;
  wire?: { frames: number };
  /** The process's RSS high-water mark (the kernel's), start-up included. */
  peakRssBytes: number;
  /** How frames reached the device: sent in place from TX buffers, or copied per send. */
  mode: 'in-place' | 'copy';
}

export default class Pktgen extends NicdlCommand {
  static override summary =
    'Generate transmit traffic at full speed or a given rate and report packets per second';
  static override description =
    'Sends --size-byte frames in bursts of --burst (one doorbell write per burst) for --duration seconds, or until ' +
    'Ctrl-C with --duration 0; --rate limits the packets per second (0: as fast as possible). Live rates go to ' +
    'stderr every second. Rates and durations are wall-clock time, on the twin too.';
  static override examples = [
    '<%= config.bin %> pktgen --duration 3',
    '<%= config.bin %> pktgen --pci 0000:00:02.0 --size 1514 --rate 10000 --duration 10 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    size: Flags.integer({
      description: 'bytes per frame, without CRC',
      default: ETH_MIN_FRAME_BYTES,
    }),
    rate: Flags.integer({
      description: 'frames per second (0: as fast as possible)',
      default: 0,
      min: 0,
    }),
    duration: Flags.integer({
      description: 'seconds to run (0: until Ctrl-C)',
      default: 5,
      min: 0,
    }),
    burst: Flags.integer({
      description: 'frames per transmit call (and doorbell write)',
      default: 32,
      min: 1,
    }),
    dst: Flags.string({ description: 'destination MAC (default broadcast)', helpValue: 'MAC' }),
    copy: Flags.boolean({
      description:
        'copy every frame into a DMA buffer as it is sent (transmit()) instead of resending pre-filled TX buffers in place',
    }),
  };

  async run(): Promise<PktgenResult> {
    const { flags } = await this.parse(Pktgen);
    const dst = flags.dst ? parseMac(flags.dst) : BROADCAST_MAC;
    const nic = await openNic(
      flags,
      { onCleanup: (fn) => this.onCleanup(fn) },
      {},
      { captureWire: false },
    );
    checkFrameSize(flags.size, nic.driver.config.maxFrameBytes, 'a pktgen frame (--size)');
    const prefixes = burstPrefixes(nic, flags.size, flags.burst, dst);
    const wireBefore = nic.sim?.wire.framesOut ?? 0;
    const perSecond: PktgenResult['perSecond'] = [];
    const live = new LiveRates((l) => this.report(l, perSecond));
    const durationMs = flags.duration * MS_PER_S;
    const buffers = flags.copy ? undefined : nic.driver.txBuffers?.();
    const inPlace = buffers !== undefined && flags.size <= buffers.bufferBytes;
    const send = inPlace
      ? inPlaceSender(nic, buffers, prefixes[flags.burst])
      : copyingSender(nic, prefixes);
    const totals = await generate(nic, send, flags.burst, flags.size, flags.rate, durationMs, live);
    await drain(nic);
    const r = summarize(nic, flags, totals, live.elapsedMs, perSecond, inPlace);
    if (nic.sim) r.wire = { frames: nic.sim.wire.framesOut - wireBefore };
    this.printSummary(r);
    if (nic.stop.stopped && flags.duration > 0)
      throw nic.stop.interruptedError(`pktgen (${r.seconds.toFixed(1)} of ${flags.duration} s)`);
    return r;
  }

  private report(l: RateLine, perSecond: PktgenResult['perSecond']): void {
    perSecond.push({
      second: Math.round(l.elapsedS),
      pps: Math.round(l.pps),
      bps: Math.round(l.bps),
    });
    this.logToStderr(
      `pktgen ${l.elapsedS.toFixed(0).padStart(3)} s: ${count(Math.round(l.pps)).padStart(11)} pps  ${bitRate(l.bps).padStart(12)}  (sent ${count(l.frames)})`,
    );
  }

  private printSummary(r: PktgenResult): void {
    const line =
      r.lineRatePercent === undefined
        ? ''
        : `, ${r.lineRatePercent.toFixed(1)}% of ${r.linkMbps} Mb/s line rate`;
    this.log(
      `sent ${count(r.sent)} frames of ${r.size} bytes in ${r.seconds.toFixed(2)} s: ${count(Math.round(r.pps))} pps, ${bitRate(r.bps)}${line}`,
    );
    if (r.wire) this.log(`twin wire: ${count(r.wire.frames)} frames left the device`);
  }
}

/** prefixes[n] holds the first n frames of the burst (prefixes[0] is empty). */
function burstPrefixes(
  nic: OpenedNic,
  size: number,
  burst: number,
  dst: Uint8Array,
): Uint8Array[][] {
  const src = parseMac(nic.driver.mac);
  const frames = Array.from({ length: burst }, (_, i) =>
    size >= TEST_FRAME_MIN_BYTES
      ? makeTestFrame(i, size, dst, src)
      : makeTestFrame(i, TEST_FRAME_MIN_BYTES, dst, src).subarray(0, size),
  );
  return Array.from({ length: burst + 1 }, (_, n) => frames.slice(0, n));
}

/** Queues up to `want` frames, rings the doorbell once; returns how many were queued. */
type SendBurst = (want: number) => number;

/** The copying sender: transmit() copies each of the burst's first `want` frames. */
function copyingSender(nic: OpenedNic, prefixes: Uint8Array[][]): SendBurst {
  const driver = nic.driver;
  return (want) => driver.transmit(prefixes[want]);
}

/**
 * The zero-copy sender: takes TX buffers, fills a buffer only the first time it is seen
 * (with the burst's frame of its index) and sends it in place; one doorbell per burst.
 */
function inPlaceSender(nic: OpenedNic, buffers: TxBuffers, frames: Uint8Array[]): SendBurst {
  const driver = nic.driver;
  const burst = frames.length;
  const frameBytes = frames[0].length;
  const filled = new Uint8Array(buffers.count);
  return (want) => {
    let n = 0;
    for (; n < want; n++) {
      const id = buffers.alloc();
      if (id < 0) break;
      if (filled[id] === 0) {
        buffers.bytes(id).set(frames[id % burst]);
        filled[id] = 1;
      }
      if (!buffers.send(id, frameBytes)) {
        buffers.free(id);
        break;
      }
    }
    driver.flushTransmit?.();
    return n;
  };
}

/** Bursts of `burst` frames of `frameBytes` until the duration ends or Ctrl-C; --rate paces them. */
async function generate(
  nic: OpenedNic,
  send: SendBurst,
  burst: number,
  frameBytes: number,
  ratePps: number,
  durationMs: number,
  live: LiveRates,
): Promise<{ sent: number; bytes: number }> {
  const loop = new SendLoop(send, burst, frameBytes, ratePps, durationMs, live);
  while (!nic.stop.stopped) {
    const step = loop.run();
    if (step === DONE) break;
    await (step === PAUSE ? pause(ratePps) : yieldToEventLoop());
  }
  return { sent: loop.totals.frames, bytes: loop.totals.bytes };
}

/** Why SendLoop.run() returned: the run is over, the rate says wait, or the batch is up. */
const DONE = 0;
const PAUSE = 1;
const YIELD = 2;
type Step = typeof DONE | typeof PAUSE | typeof YIELD;

/**
 * The send loop proper, in batches: run() sends bursts for up to BATCH_MS and returns, so
 * signals and timers get the event loop between batches. Each batch is plain synchronous
 * code, and the per-burst work is kept to the send itself: under QEMU's TCG every guest
 * instruction costs tens of host ones, so a clock read or an event-loop turn per burst
 * shows in the packet rate. At full speed the clock is read every CLOCK_EVERY bursts;
 * with --rate, every burst (the pacing needs it). Completed frames are taken back by the
 * send path once the ring is full (transmit() and TxBuffers.alloc() reclaim then), not
 * once per burst.
 */
class SendLoop {
  readonly totals = { frames: 0, bytes: 0 };
  private readonly startMs = performance.now();
  private readonly endMs: number;

  constructor(
    private readonly send: SendBurst,
    private readonly burst: number,
    private readonly frameBytes: number,
    private readonly ratePps: number,
    durationMs: number,
    private readonly live: LiveRates,
  ) {
    this.endMs = durationMs ? this.startMs + durationMs : Infinity;
  }

  run(): Step {
    const totals = this.totals;
    const paced = this.ratePps !== 0;
    let nowMs = performance.now();
    const batchEndMs = nowMs + BATCH_MS;
    for (let turn = 0; ; turn++) {
      if (paced || turn % CLOCK_EVERY === 0) {
        if (turn !== 0) nowMs = performance.now();
        if (nowMs >= this.endMs) return DONE;
        if (nowMs >= batchEndMs) return YIELD;
        this.live.tick(totals, nowMs);
      }
      const want = paced ? this.paced(nowMs) : this.burst;
      if (want <= 0) return PAUSE;
      const n = this.send(want);
      totals.frames += n;
      totals.bytes += n * this.frameBytes;
    }
  }

  /** Frames due by `nowMs` at --rate, at most a burst. */
  private paced(nowMs: number): number {
    const due = Math.floor((this.ratePps * (nowMs - this.startMs)) / MS_PER_S);
    return Math.min(this.burst, due - this.totals.frames);
  }
}

/** Wait for the next frame's turn at `ratePps`: a timer when that is at least a millisecond away. */
function pause(ratePps: number): Promise<void> {
  const gapMs = MS_PER_S / ratePps;
  return gapMs >= 1 ? new Promise((r) => setTimeout(r, Math.floor(gapMs))) : yieldToEventLoop();
}

/** Let the device finish what is queued before the driver closes. */
async function drain(nic: OpenedNic): Promise<void> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  const tx = () =>
    nic.driver.statistics().rings.find((r) => r.name.startsWith('tx'))?.inFlight ?? 0;
  while (tx() > 0 && performance.now() < deadline) {
    nic.driver.reclaim();
    await nic.driver.clock.sleepUs(DRAIN_POLL_US);
  }
}

function summarize(
  nic: OpenedNic,
  flags: { size: number; burst: number; rate: number },
  totals: { sent: number; bytes: number },
  elapsedMs: number,
  perSecond: PktgenResult['perSecond'],
  inPlace: boolean,
): PktgenResult {
  const seconds = elapsedMs / MS_PER_S;
  const pps = seconds > 0 ? totals.sent / seconds : 0;
  const linkMbps = nic.driver.link().speedMbps;
  const wireBytes = Math.max(flags.size, ETH_MIN_FRAME_BYTES) + WIRE_OVERHEAD_BYTES;
  const linePps = (linkMbps * 1e6) / (wireBytes * BITS_PER_BYTE);
  return {
    size: flags.size,
    burst: flags.burst,
    ratePps: flags.rate,
    sent: totals.sent,
    bytes: totals.bytes,
    seconds,
    pps,
    bps: seconds > 0 ? (totals.bytes * BITS_PER_BYTE) / seconds : 0,
    linkMbps,
    // The twin has no wire speed: a share of line rate would mean nothing there.
    ...(linkMbps && !nic.sim ? { lineRatePercent: (pps * 100) / linePps } : {}),
    perSecond,
    peakRssBytes: peakRssBytes(),
    mode: inPlace ? 'in-place' : 'copy',
  };
}
