/**
 * What the driver benchmarks run: two driver ports and two hand-written ones, each on its
 * own e1000 twin in null-device mode, and for each mode (fwd, tx, rx, txz) a pair of
 * functions that each move `n` packets, the driver's and the hand-written loop's. fwd
 * forwards between two ports (received on the first, sent on the second); the other modes
 * use the first. driver.bench.ts times them; instruction-count.ts runs one of them under
 * callgrind.
 */
import { loadIr } from '../spec/index.js';
import type { RxMeta } from '../runtime/nic.js';
import type { SimDevice } from '../runtime/sim/index.js';
import { driverSpecPath } from '../drivers/spec-path.js';
import { openE1000Twin } from '../drivers/e1000/twin/index.js';
import e1000, { type E1000Driver } from '../drivers/e1000/index.js';
import { HandPort, RING } from './handwritten-port.js';

const ir = loadIr(driverSpecPath('e1000', 'e1000.nicdl'));

/**
 * Packets a loop runs before it is measured. The driver's per-packet cost settles only
 * after about a million packets: functions called once per ring cycle (the TX path that
 * makes room when the ring is full) are optimized by V8 only after thousands of calls.
 * callgrind counted 1655 instructions a packet (fwd b32) after 500,000 packets, 1549 after
 * 1.5 million and 1551 after 3 million; the hand-written loop, 1280-1288 after each.
 */
export const WARMUP_PACKETS = 1_500_000;

/**
 * Packets before an instruction count, per mode: enough for the count to settle. rx and
 * txz settle sooner than the paths that copy into a full TX ring: after 400,000 packets
 * callgrind counted them within 0.5% of their counts after 1.5 million (rx 518.6 against
 * 520.5 and 521.8, txz 796.9 against 797.3), while tx after 400,000 still counted 1099.5
 * against 1031.0.
 */
export const COUNT_WARMUP_PACKETS: Readonly<Record<Mode, number>> = {
  fwd: WARMUP_PACKETS,
  tx: WARMUP_PACKETS,
  rx: 400_000,
  txz: 400_000,
};

interface Port {
  device: SimDevice;
}

function twin(rxFrameBytes: number): SimDevice {
  return openE1000Twin(ir, { nullDevice: { rxFrameBytes }, rctlQuietUs: 0 }).device;
}

export async function driverPort(rxFrameBytes: number): Promise<E1000Driver & Port> {
  const device = twin(rxFrameBytes);
  // Coalescing off: the baseline programs no moderation timers either.
  const nic = (await e1000.open(device, ir, {
    rxRingSize: RING,
    txRingSize: RING,
    coalescing: { profile: 'off' },
  })) as E1000Driver;
  return Object.assign(nic, { device });
}

export type Mode = 'fwd' | 'tx' | 'rx' | 'txz';

/** Each side's two ports: fwd receives on the first and sends on the second. */
export interface BenchPorts {
  nic: E1000Driver & Port;
  nicOut: E1000Driver & Port;
  hand: HandPort;
  handOut: HandPort;
}

/**
 * Both sides' ports; every twin's null device delivers frames of `rxFrameBytes`. `nic`:
 * the first driver port, already open (the benchmark measures memory after opening it).
 */
export async function openPorts(
  rxFrameBytes: number,
  nic?: E1000Driver & Port,
): Promise<BenchPorts> {
  return {
    nic: nic ?? (await driverPort(rxFrameBytes)),
    nicOut: await driverPort(rxFrameBytes),
    hand: new HandPort(twin(rxFrameBytes)),
    handOut: new HandPort(twin(rxFrameBytes)),
  };
}

export async function closePorts(p: BenchPorts): Promise<void> {
  await p.nic.close();
  await p.nicOut.close();
  await p.hand.device.close();
  await p.handOut.device.close();
}

function frames(count: number, bytes: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new Uint8Array(bytes).fill(i & 0xff));
}

let sink = 0;

/** What the rx callbacks summed: printed by the runners so that no loop is dead code. */
export function sinkBytes(): number {
  return sink;
}

/** (driver run, baseline run) for one configuration, each processing `n` packets per call. */
export function runners(
  mode: Mode,
  burst: number,
  frameBytes: number,
  ports: BenchPorts,
): [(n: number) => void, (n: number) => void] {
  const { nic, hand } = ports;
  if (mode === 'fwd') {
    const { nicOut, handOut } = ports;
    // Frames forwarded, counted in a property as the hand-written side counts them
    // (hand.packets): a captured `let` would cost the driver's side a context load and a
    // hole check per frame that the baseline does not pay.
    const forwarded = { packets: 0 };
    const onFrame = (f: Uint8Array, _m: RxMeta): void => {
      if (nicOut.queueFrame(f)) forwarded.packets++;
    };
    const handFrame = (f: Uint8Array): void => {
      if (handOut.queueTx(f)) hand.packets++;
    };
    return [
      (n) => {
        const end = forwarded.packets + n;
        while (forwarded.packets < end) {
          nic.receive(burst, onFrame);
          nicOut.flushTransmit();
        }
      },
      (n) => {
        const end = hand.packets + n;
        while (hand.packets < end) {
          hand.receive(burst, handFrame);
          handOut.flushTx();
        }
      },
    ];
  }
  if (mode === 'txz') {
    // Zero-copy, as pktgen sends: each TX buffer filled once, then resent in place.
    const buffers = nic.txBuffers();
    const filled = new Uint8Array(buffers.count);
    const frame = frames(1, frameBytes)[0];
    hand.prefillTx(frame);
    return [
      (n) => {
        for (let sent = 0; sent < n;) {
          let k = 0;
          for (; k < burst; k++) {
            const id = buffers.alloc();
            if (id < 0) break;
            if (filled[id] === 0) {
              buffers.bytes(id).set(frame);
              filled[id] = 1;
            }
            if (!buffers.send(id, frameBytes)) {
              buffers.free(id);
              break;
            }
          }
          nic.flushTransmit();
          sent += k;
        }
      },
      (n) => {
        for (let sent = 0; sent < n;) {
          let k = 0;
          while (k < burst && hand.resendTx(frameBytes)) k++;
          hand.flushTx();
          sent += k;
        }
      },
    ];
  }
  if (mode === 'tx') {
    const batch = frames(burst, frameBytes);
    return [
      (n) => {
        for (let sent = 0; sent < n;) sent += nic.transmit(batch);
      },
      (n) => {
        for (let sent = 0; sent < n;) {
          for (let i = 0; i < batch.length && hand.queueTx(batch[i]); i++) sent++;
          hand.flushTx();
        }
      },
    ];
  }
  const count = (f: Uint8Array): void => {
    sink += f.length;
  };
  const onFrame = (f: Uint8Array, _m: RxMeta): void => count(f);
  return [
    (n) => {
      for (let got = 0; got < n;) got += nic.receive(burst, onFrame);
    },
    (n) => {
      for (let got = 0; got < n;) got += hand.receive(burst, count);
    },
  ];
}
