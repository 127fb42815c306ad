/**
 * Opening the e1000 driver on its twin, and frames to send through it. Checksums and
 * frame layouts here are computed independently of runtime/packet (plain loops over
 * bytes), so the driver's offload and fallback are checked against an outside oracle.
 */
import { fileURLToPath } from 'node:url';
import { loadIr } from '../../../spec/index.js';
import type { Device as IrDevice } from '../../../spec/ir.js';
import type { NicConfig } from '../../../runtime/nic.js';
import type { SimDevice, SimDeviceOptions } from '../../../runtime/sim/index.js';
import {
  openE1000Twin,
  type E1000Twin,
  type E1000TwinOptions,
} from '../../../drivers/e1000/twin/index.js';
import e1000, { type E1000Driver } from '../../../drivers/e1000/index.js';

export const SPEC = fileURLToPath(new URL('../../../drivers/e1000/e1000.nicdl', import.meta.url));
let cached: IrDevice | undefined;
export function ir(): IrDevice {
  cached ??= loadIr(SPEC);
  return cached;
}

export const PEER_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x99];
export const TWIN_MAC = '52:54:00:ab:cd:ef';

export interface Opened {
  nic: E1000Driver;
  device: SimDevice;
  twin: E1000Twin;
}

export async function openNic(
  config: NicConfig = {},
  twin: E1000TwinOptions = {},
  sim: SimDeviceOptions = {},
): Promise<Opened> {
  const opened = openE1000Twin(ir(), { mac: TWIN_MAC, ...twin }, sim);
  const nic = (await e1000.open(opened.device, ir(), config)) as E1000Driver;
  return { nic, device: opened.device, twin: opened.twin };
}

/** Let QEMU's (and the twin's) 1 s receive pause after the last RCTL write run out. */
export async function rxSettle(o: Opened): Promise<void> {
  const waitUs = o.nic.rxQuietUntilUs - o.device.clock.nowUs();
  if (waitUs > 0) await o.device.clock.sleepUs(waitUs + 1);
}

export function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

/** A frame of `length` bytes to `dst`: EtherType 0x88B5, payload bytes derived from `seed`. */
export function frame(
  length: number,
  seed: number,
  dst: number[] = macBytes(TWIN_MAC),
): Uint8Array {
  const f = new Uint8Array(length);
  f.set(dst, 0);
  f.set(PEER_MAC, 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 14; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    f[i] = x & 0xff;
  }
  if (length >= 18) {
    f[14] = seed & 0xff;
    f[15] = (seed >>> 8) & 0xff;
    f[16] = (seed >>> 16) & 0xff;
    f[17] = (seed >>> 24) & 0xff;
  }
  return f;
}

/** Ones' complement 16-bit sum, the obvious way. */
export function sum16(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export interface IpFrameOptions {
  protocol: 'udp' | 'tcp';
  payload: number;
  /** Fill the checksums correctly (true) or leave 0 / garbage. */
  checksums: 'correct' | 'zero' | 'wrong';
  vlan?: number;
  dst?: number[];
}

/** An Ethernet + IPv4 + UDP/TCP frame with the given checksums. */
export function ipFrame(o: IpFrameOptions, seed = 1): Uint8Array {
  const l4Header = o.protocol === 'udp' ? 8 : 20;
  const ipLen = 20 + l4Header + o.payload;
  const eth = o.vlan === undefined ? 14 : 18;
  const b: number[] = [...(o.dst ?? macBytes(TWIN_MAC)), ...PEER_MAC];
  if (o.vlan !== undefined) b.push(0x81, 0x00, (o.vlan >> 8) & 0x0f, o.vlan & 0xff);
  b.push(0x08, 0x00);
  const ip = [
    0x45,
    0,
    ipLen >> 8,
    ipLen & 0xff,
    0x12,
    0x34,
    0x40,
    0,
    64,
    o.protocol === 'udp' ? 17 : 6,
    0,
    0,
    10,
    0,
    0,
    1,
    10,
    0,
    0,
    2,
  ];
  const l4: number[] = [];
  if (o.protocol === 'udp')
    l4.push(0x30, 0x39, 0x00, 0x35, (8 + o.payload) >> 8, (8 + o.payload) & 0xff, 0, 0);
  else l4.push(0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0);
  for (let i = 0; i < o.payload; i++) l4.push((i * 7 + seed) & 0xff);
  if (o.checksums !== 'zero') {
    const ipc = ~sum16(ip) & 0xffff;
    ip[10] = ipc >> 8;
    ip[11] = ipc & 0xff;
    const pseudo = [...ip.slice(12, 20), 0, ip[9], l4.length >> 8, l4.length & 0xff];
    let c = ~sum16([...pseudo, ...l4]) & 0xffff;
    if (c === 0 && o.protocol === 'udp') c = 0xffff;
    const at = o.protocol === 'udp' ? 6 : 16;
    l4[at] = c >> 8;
    l4[at + 1] = c & 0xff;
    if (o.checksums === 'wrong') l4[at] ^= 0x5a;
  }
  void eth;
  return Uint8Array.from([...b, ...ip, ...l4]);
}

/** Whether the IPv4 header and UDP/TCP checksums of an untagged `f` verify. */
export function checksumsOk(f: Uint8Array): { ip: boolean; l4: boolean } {
  const ip = Array.from(f.subarray(14, 34));
  const total = (f[16] << 8) | f[17];
  const l4 = Array.from(f.subarray(34, 14 + total));
  const pseudo = [...ip.slice(12, 20), 0, ip[9], l4.length >> 8, l4.length & 0xff];
  return { ip: sum16(ip) === 0xffff, l4: sum16([...pseudo, ...l4]) === 0xffff };
}

/** Collect every frame `receive` delivers (copies). */
export function drain(
  nic: E1000Driver,
  max = 1 << 20,
): {
  frames: Uint8Array[];
  metas: { descriptors: number; ip: string; l4: string; errors: number }[];
} {
  const frames: Uint8Array[] = [];
  const metas: { descriptors: number; ip: string; l4: string; errors: number }[] = [];
  for (;;) {
    const n = nic.receive(max - frames.length, (f, m) => {
      frames.push(f.slice());
      metas.push({
        descriptors: m.descriptors,
        ip: m.ipChecksum,
        l4: m.l4Checksum,
        errors: m.errors,
      });
    });
    if (n === 0 || frames.length >= max) return { frames, metas };
  }
}

/**
 * Where two frame lists first differ ("" when equal): count, then the first frame whose
 * bytes differ, with the offset. Fast (Buffer.compare), and the message says what broke.
 */
export function frameListDiff(got: readonly Uint8Array[], want: readonly Uint8Array[]): string {
  if (got.length !== want.length) return `got ${got.length} frames, want ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const a = Buffer.from(got[i].buffer, got[i].byteOffset, got[i].byteLength);
    const b = Buffer.from(want[i].buffer, want[i].byteOffset, want[i].byteLength);
    if (Buffer.compare(a, b) !== 0) {
      let at = 0;
      while (at < a.length && at < b.length && a[at] === b[at]) at++;
      return `frame ${i}: ${a.length} vs ${b.length} bytes, first difference at byte ${at}`;
    }
  }
  return '';
}
