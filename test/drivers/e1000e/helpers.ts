/**
 * Opening the e1000e driver on its twin, and IPv4/TCP frames of distinct flows to send
 * through it (built byte by byte here, independently of runtime/packet).
 */
import { fileURLToPath } from 'node:url';
import { loadIr } from '../../../spec/index.js';
import type { Device as IrDevice } from '../../../spec/ir.js';
import type { NicConfig, RxMeta } from '../../../runtime/nic.js';
import type { SimDevice, SimDeviceOptions } from '../../../runtime/sim/index.js';
import {
  openE1000eTwin,
  type E1000eTwin,
  type E1000eTwinOptions,
} from '../../../drivers/e1000e/twin/index.js';
import e1000e, { type E1000eDriver } from '../../../drivers/e1000e/index.js';

export const SPEC = fileURLToPath(new URL('../../../drivers/e1000e/e1000e.nicdl', import.meta.url));
export const E1000_SPEC = fileURLToPath(
  new URL('../../../drivers/e1000/e1000.nicdl', import.meta.url),
);
let cached: IrDevice | undefined;
export function ir(): IrDevice {
  cached ??= loadIr(SPEC);
  return cached;
}
let cachedE1000: IrDevice | undefined;
export function e1000Ir(): IrDevice {
  cachedE1000 ??= loadIr(E1000_SPEC);
  return cachedE1000;
}

export const TWIN_MAC = '52:54:00:ab:cd:e1';
export const PEER_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x99];

export interface Opened {
  nic: E1000eDriver;
  device: SimDevice;
  twin: E1000eTwin;
}

export async function openNic(
  config: NicConfig = {},
  twin: E1000eTwinOptions = {},
  sim: SimDeviceOptions = {},
): Promise<Opened> {
  const opened = openE1000eTwin(ir(), { mac: TWIN_MAC, ...twin }, sim);
  const nic = (await e1000e.open(opened.device, ir(), config)) as E1000eDriver;
  return { nic, device: opened.device, twin: opened.twin };
}

export function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

export interface Flow {
  src: [number, number, number, number];
  dst: [number, number, number, number];
  srcPort: number;
  dstPort: number;
}

/** Flow `i` of a set: one client address and port per flow, one server. */
export function flow(i: number): Flow {
  return {
    src: [10, 1, (i >> 8) & 0xff, i & 0xff],
    dst: [10, 0, 0, 2],
    srcPort: 40000 + i,
    dstPort: 80,
  };
}

/** Ones' complement sum of 16-bit big-endian words. */
function sum16(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) + (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** An Ethernet + IPv4 + TCP frame of `f` carrying `payload` bytes (checksums correct). */
export function tcpFrame(f: Flow, payload = 18, seq = 1): Uint8Array {
  const ipLen = 20 + 20 + payload;
  const ip = [
    0x45,
    0,
    ipLen >> 8,
    ipLen & 0xff,
    (seq >> 8) & 0xff,
    seq & 0xff,
    0x40,
    0,
    64,
    6,
    0,
    0,
    ...f.src,
    ...f.dst,
  ];
  const c = ~sum16(ip) & 0xffff;
  ip[10] = c >> 8;
  ip[11] = c & 0xff;
  const tcp = [
    f.srcPort >> 8,
    f.srcPort & 0xff,
    f.dstPort >> 8,
    f.dstPort & 0xff,
    0,
    0,
    0,
    seq & 0xff,
    0,
    0,
    0,
    0,
    0x50,
    0x18,
    0xff,
    0xff,
    0,
    0,
    0,
    0,
  ];
  for (let i = 0; i < payload; i++) tcp.push((i * 13 + seq) & 0xff);
  const pseudo = [...f.src, ...f.dst, 0, 6, tcp.length >> 8, tcp.length & 0xff];
  const t = ~sum16([...pseudo, ...tcp]) & 0xffff;
  tcp[16] = t >> 8;
  tcp[17] = t & 0xff;
  return Uint8Array.from([...macBytes(TWIN_MAC), ...PEER_MAC, 0x08, 0x00, ...ip, ...tcp]);
}

export interface Received {
  frame: Uint8Array;
  queue: number;
  ip: RxMeta['ipChecksum'];
  l4: RxMeta['l4Checksum'];
}

/** Everything receive() delivers now, from `queue` or (undefined) every queue. */
export function drain(nic: E1000eDriver, queue?: number): Received[] {
  const out: Received[] = [];
  while (
    nic.receive(
      64,
      (frame, m) =>
        out.push({ frame: frame.slice(), queue: m.queue, ip: m.ipChecksum, l4: m.l4Checksum }),
      queue,
    ) > 0
  );
  return out;
}
