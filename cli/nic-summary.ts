/**
 * What a command prints once the driver is up: which device, its MAC, the link, and the
 * queue set-up (ring sizes, buffer size, frame size, DMA memory). Text and JSON forms.
 */
import { relative } from 'node:path';
import type { LinkState } from '../runtime/nic.js';
import { byteSize } from './live-rates.js';
import { describeCoalescing } from './nic-flags.js';
import type { OpenedNic } from './open-nic.js';

export interface NicSummary {
  driver: string;
  model?: string;
  where: string;
  spec: string;
  mac: string;
  link: LinkState;
  rxRing: number;
  txRing: number;
  /** TX descriptors per status report (RS), and the last of each burst. */
  txReportEvery: number;
  rxBufferBytes: number;
  maxFrameBytes: number;
  promiscuous: boolean;
  coalescing: string;
  mode: string;
  dma: { allocatedBytes: number; mappedBytes: number; regions: number };
}

export function nicSummary(nic: OpenedNic): NicSummary {
  const { driver, ir, device } = nic;
  const c = driver.config;
  const model = ir.pci.find(
    (p) => p.vendor === device.identity.vendor && p.device === device.identity.device,
  )?.name;
  return {
    driver: driver.name,
    ...(model ? { model } : {}),
    where: nic.where,
    spec: relative(process.cwd(), nic.entry.specPath) || nic.entry.specPath,
    mac: driver.mac,
    link: driver.link(),
    rxRing: c.rxRingSize,
    txRing: c.txRingSize,
    txReportEvery: c.txReportEvery,
    rxBufferBytes: c.rxBufferBytes,
    maxFrameBytes: c.maxFrameBytes,
    promiscuous: c.promiscuous,
    coalescing: describeCoalescing(c.coalescing),
    mode: c.mode,
    dma: driver.statistics().dma,
  };
}

export function linkText(link: LinkState): string {
  if (!link.up) return 'down';
  const speed = link.speedMbps ? `${link.speedMbps} Mb/s` : 'speed unknown';
  return `up, ${speed} ${link.fullDuplex ? 'full' : 'half'} duplex`;
}

export function summaryLines(s: NicSummary): string[] {
  return [
    `${s.driver}${s.model ? ` (${s.model})` : ''} on ${s.where}, spec ${s.spec}`,
    `  MAC        ${s.mac}`,
    `  link       ${linkText(s.link)}`,
    `  rx queue   ${s.rxRing} descriptors x ${s.rxBufferBytes}-byte buffers`,
    `  tx queue   ${s.txRing} descriptors, status report every ${s.txReportEvery} and at each burst's end`,
    `  frames     up to ${s.maxFrameBytes} bytes, promiscuous ${s.promiscuous ? 'on' : 'off'}, coalescing ${s.coalescing}, ${s.mode} mode`,
    `  DMA        ${byteSize(s.dma.allocatedBytes)} in ${s.dma.regions} regions (${byteSize(s.dma.mappedBytes)} mapped)`,
  ];
}
