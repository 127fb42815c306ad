/**
 * `nicdl recv`: receive frames, list them, optionally write them to a pcap file. Ends
 * after --count frames, after --timeout ms (device time), or at Ctrl-C. On the twin the
 * frames of --inject-pcap arrive from its simulated wire.
 */
import { Flags } from '@oclif/core';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { NicdlCommand } from '../base.js';
import { counted } from '../live-rates.js';
import { peakRssBytes } from '../memory-monitor.js';
import { deviceFlags, nicFlags } from '../nic-flags.js';
import { openNic, type OpenedNic } from '../open-nic.js';
import { describeEthernet, PcapWriter, readPcap } from '../../runtime/packet/index.js';

interface RecvResult {
  received: number;
  bytes: number;
  frames: Array<{ length: number; summary: string }>;
  injected?: { frames: number; dropped: Record<string, number> };
  out?: string;
  /** The process's RSS high-water mark (the kernel's), start-up included. */
  peakRssBytes?: number;
}

const RX_BATCH = 64;
const WAIT_STEP_MS = 10;
const US_PER_MS = 1000;
/** Frames kept for --json (the pcap file keeps them all). */
const JSON_FRAMES_KEPT = 1000;

export default class Recv extends NicdlCommand {
  static override summary = 'Receive frames, list them and optionally write them to a pcap file';
  static override description =
    'Stops after --count frames, after --timeout milliseconds, or at Ctrl-C (which prints the summary). Without ' +
    '--promisc only frames to our MAC, broadcast and enabled multicast arrive. On the twin, --inject-pcap feeds the ' +
    "frames of a pcap file into the device's simulated wire.";
  static override examples = [
    '<%= config.bin %> recv --pci 0000:00:02.0 --count 10 --out rx.pcap',
    '<%= config.bin %> recv --inject-pcap in.pcap --out out.pcap --timeout 2000',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    out: Flags.string({
      description: 'write received frames to this pcap file',
      helpValue: 'FILE',
    }),
    count: Flags.integer({
      description: 'stop after this many frames (0: no limit)',
      default: 0,
      min: 0,
    }),
    timeout: Flags.integer({
      description: 'stop after this many milliseconds of device time (0: none)',
      default: 0,
      min: 0,
      helpValue: 'MS',
    }),
    'inject-pcap': Flags.string({
      description: 'twin only: frames of this pcap arrive on the simulated wire',
      helpValue: 'FILE',
    }),
    quiet: Flags.boolean({ char: 'q', description: 'no line per frame, only the summary' }),
  };

  async run(): Promise<RecvResult> {
    const { flags } = await this.parse(Recv);
    if (flags['inject-pcap'] && flags.pci)
      throw new NicdlError(
        'E_BAD_FLAG',
        '--inject-pcap feeds the twin; it cannot be used with --pci',
        ExitCode.usage,
      );
    const inject = flags['inject-pcap']
      ? readPcap(flags['inject-pcap']).records.map((r) => r.data)
      : [];
    const nic = await openNic(flags, { onCleanup: (fn) => this.onCleanup(fn) });
    const writer = flags.out ? new PcapWriter(flags.out) : undefined;
    if (writer) this.onCleanup(() => writer.close());
    const result: RecvResult = {
      received: 0,
      bytes: 0,
      frames: [],
      ...(flags.out ? { out: flags.out } : {}),
    };
    const printEach = !flags.quiet && !this.jsonEnabled();
    const onFrame = (frame: Uint8Array) => {
      result.received++;
      result.bytes += frame.length;
      writer?.write(frame);
      // Describing a frame costs as much as receiving it: only for frames kept or printed.
      const keep = result.frames.length < JSON_FRAMES_KEPT;
      if (!keep && !printEach) return;
      const summary = describeEthernet(frame);
      if (keep) result.frames.push({ length: frame.length, summary });
      if (printEach) this.log(`${String(result.received).padStart(5)}  ${summary}`);
    };
    const injector = nic.sim ? new Injector(nic, inject) : undefined;
    const timedOut = await this.receiveLoop(nic, flags.count, flags.timeout, onFrame, injector);
    if (injector) result.injected = { frames: injector.injected, dropped: injector.dropped };
    result.peakRssBytes = peakRssBytes();
    this.log(
      `received ${counted(result.received, 'frame')} (${counted(result.bytes, 'byte')}) on ${nic.where}${writer ? `, written to ${flags.out}` : ''}`,
    );
    if (injector)
      this.log(`twin wire: ${injector.injected} frames injected${describeDrops(injector.dropped)}`);
    if (nic.stop.stopped && (flags.count || flags.timeout))
      throw nic.stop.interruptedError(`receiving (${result.received} frames so far)`);
    if (timedOut && flags.count && result.received < flags.count) {
      throw new NicdlError(
        'E_RECV_TIMEOUT',
        `received ${result.received} of ${flags.count} frames in ${flags.timeout} ms`,
        ExitCode.timeout,
        {
          received: result.received,
          wanted: flags.count,
        },
      );
    }
    return result;
  }

  /** Returns true when the timeout ended the run. */
  private async receiveLoop(
    nic: OpenedNic,
    wanted: number,
    timeoutMs: number,
    onFrame: (f: Uint8Array) => void,
    injector?: Injector,
  ): Promise<boolean> {
    const { driver, stop } = nic;
    const deadlineUs = timeoutMs ? driver.clock.nowUs() + timeoutMs * US_PER_MS : Infinity;
    let received = 0;
    const counted = (f: Uint8Array) => {
      received++;
      onFrame(f);
    };
    while (!(wanted && received >= wanted) && !stop.stopped) {
      injector?.feed(received);
      if (driver.receive(wanted ? Math.min(RX_BATCH, wanted - received) : RX_BATCH, counted) > 0)
        continue;
      const leftUs = deadlineUs - driver.clock.nowUs();
      if (leftUs <= 0) return true;
      await driver.waitForReceive(Math.min(WAIT_STEP_MS, Math.ceil(leftUs / US_PER_MS)));
      // With nothing left to inject, the twin's virtual clock would let this loop spin.
      if (nic.sim && !injector?.pending && deadlineUs === Infinity) await stop.sleep(WAIT_STEP_MS);
    }
    return false;
  }
}

/**
 * Feeds pcap frames into the twin a window at a time: the twin holds at most a ring's
 * worth while its receiver is busy (and during QEMU's quiet time after an RCTL write).
 */
class Injector {
  injected = 0;
  accepted = 0;
  readonly dropped: Record<string, number> = {};
  private readonly window: number;

  constructor(
    private readonly nic: OpenedNic,
    private readonly frames: Uint8Array[],
  ) {
    this.window = Math.max(1, Math.floor(nic.driver.config.rxRingSize / 2));
  }

  get pending(): boolean {
    return this.injected < this.frames.length;
  }

  feed(received: number): void {
    const sim = this.nic.sim;
    if (!sim) return;
    while (this.pending && this.accepted - received < this.window) {
      const outcome = sim.receive(this.frames[this.injected++]);
      if (outcome === 'delivered' || outcome === 'queued') this.accepted++;
      else {
        const reason = outcome.replace(/^dropped:?/, '') || 'dropped';
        this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
      }
    }
  }
}

function describeDrops(dropped: Record<string, number>): string {
  const entries = Object.entries(dropped);
  if (!entries.length) return '';
  return `, dropped by the device: ${entries.map(([why, n]) => `${n} (${why})`).join(', ')}`;
}
