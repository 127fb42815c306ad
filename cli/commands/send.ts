/** `nicdl send`: transmit frames from a pcap file, or generated ones. */
import { Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { count, counted, yieldToEventLoop } from '../live-rates.js';
import { deviceFlags, nicFlags } from '../nic-flags.js';
import { openNic } from '../open-nic.js';
import { transmitAll } from '../transmit-all.js';
import {
  BROADCAST_MAC,
  checkFrameSize,
  ETH_MIN_FRAME_BYTES,
  ETHERTYPE_EXPERIMENTAL,
  formatMac,
  makeTestFrame,
  parseMac,
  readPcap,
  TEST_FRAME_MIN_BYTES,
  writeEthernetHeader,
  writePcap,
} from '../../runtime/packet/index.js';

export default class Send extends NicdlCommand {
  static override summary = 'Send frames from a pcap file, or generated test frames';
  static override description =
    'Every frame is checked first (at least an Ethernet header, at most the maximum frame size); a bad one stops ' +
    'the command before anything is sent. Generated frames carry a sequence number and a checkable pattern. On the ' +
    'twin, the frames that left the device are counted on its simulated wire (and written with --wire-out).';
  static override examples = [
    '<%= config.bin %> send --count 100 --size 128',
    '<%= config.bin %> send --pcap frames.pcap --pci 0000:00:02.0',
    '<%= config.bin %> send --count 5 --dst 52:55:0a:00:02:02 --wire-out sent.pcap',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    pcap: Flags.string({
      description: 'send the frames of this pcap file, in order',
      exclusive: ['count', 'size', 'dst'],
      helpValue: 'FILE',
    }),
    count: Flags.integer({ description: 'generated frames to send', default: 1, min: 1 }),
    size: Flags.integer({
      description: 'bytes per generated frame, without CRC',
      default: ETH_MIN_FRAME_BYTES,
    }),
    dst: Flags.string({
      description: 'destination MAC of generated frames (default broadcast)',
      helpValue: 'MAC',
    }),
    'wire-out': Flags.string({
      description: 'twin only: write the frames that left the device to this pcap',
      helpValue: 'FILE',
    }),
  };

  async run(): Promise<{
    sent: number;
    bytes: number;
    elapsedMs: number;
    wire?: { frames: number; bytes: number };
  }> {
    const { flags } = await this.parse(Send);
    // Inputs first: a missing pcap or a bad MAC never touches the device.
    const fromPcap = flags.pcap ? readPcap(flags.pcap).records.map((r) => r.data) : undefined;
    const dst = flags.dst ? parseMac(flags.dst) : BROADCAST_MAC;
    const nic = await openNic(flags, { onCleanup: (fn) => this.onCleanup(fn) });
    const { driver, sim } = nic;
    const src = parseMac(driver.mac);
    const max = driver.config.maxFrameBytes;
    if (!fromPcap) checkFrameSize(flags.size, max, 'a generated frame (--size)');
    const frames =
      fromPcap ?? Array.from({ length: flags.count }, (_, i) => generated(i, flags.size, dst, src));
    frames.forEach((f, i) => checkFrameSize(f.length, max, `frame ${i + 1} of ${flags.pcap}`));
    sim?.wire.take(); // whatever bring-up sent is not ours to report
    const r = await transmitAll(driver, frames, nic.stop, (sent) => {
      if (frames.length >= 10_000 && sent % 10_000 < 64)
        this.logToStderr(`send: ${count(sent)} of ${count(frames.length)}`);
    });
    await yieldToEventLoop();
    this.log(
      `sent ${counted(r.sent, 'frame')} (${counted(r.bytes, 'byte')}) from ${driver.mac} on ${nic.where} in ${r.elapsedMs.toFixed(1)} ms`,
    );
    if (!sim) return { sent: r.sent, bytes: r.bytes, elapsedMs: r.elapsedMs };
    const onWire = sim.wire.take();
    const wireBytes = onWire.reduce((n, f) => n + f.length, 0);
    this.log(
      `twin wire: ${counted(onWire.length, 'frame')} (${counted(wireBytes, 'byte')}) left the device${onWire[0] ? `, first to ${formatMac(onWire[0])}` : ''}`,
    );
    if (flags['wire-out']) {
      writePcap(flags['wire-out'], onWire);
      this.log(`wrote ${onWire.length} frames to ${flags['wire-out']}`);
    }
    return {
      sent: r.sent,
      bytes: r.bytes,
      elapsedMs: r.elapsedMs,
      wire: { frames: onWire.length, bytes: wireBytes },
    };
  }
}

/** Test frame `seq` of `size` bytes; a size too small for one gets a bare Ethernet header. */
function generated(seq: number, size: number, dst: Uint8Array, src: Uint8Array): Uint8Array {
  if (size >= TEST_FRAME_MIN_BYTES) return makeTestFrame(seq, size, dst, src);
  const frame = new Uint8Array(size);
  writeEthernetHeader(frame, dst, src, ETHERTYPE_EXPERIMENTAL);
  return frame;
}
