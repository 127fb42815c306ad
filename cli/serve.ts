/**
 * Keeping a NIC up (`nicdl load --serve`, `nicdl stats --watch`): receive and count what
 * arrives, reclaim what was sent, report rates and RSS once a second, until Ctrl-C. Received
 * frames are counted and dropped: there is no stack above the driver here. The process's
 * memory is read once a second while serving (MemoryMonitor) and reported at the end:
 * where RSS started, peaked and ended, and how fast it grew over the second half.
 */
import { bitRate, byteSize, count, LiveRates, type RateLine } from './live-rates.js';
import { MEMORY_INTERVAL_MS, MemoryMonitor, type MemoryReport } from './memory-monitor.js';
import type { Growth } from './memory-growth.js';
import type { OpenedNic } from './open-nic.js';

export interface ServeResult {
  seconds: number;
  framesReceived: number;
  bytesReceived: number;
  memory: MemoryReport;
}

export interface ServeOptions {
  /** How often the process's memory is read (default once a second). */
  memoryIntervalMs?: number;
}

const RX_BATCH = 64;
/** How long an idle loop waits for a frame (device time; wall time too on the twin). */
const IDLE_WAIT_MS = 10;

export async function serve(
  nic: OpenedNic,
  live: (line: string) => void,
  log: (line: string) => void,
  options: ServeOptions = {},
): Promise<ServeResult> {
  const { driver, stop } = nic;
  const totals = { frames: 0, bytes: 0 };
  const onFrame = (frame: Uint8Array) => {
    totals.frames++;
    totals.bytes += frame.length;
  };
  const memory = new MemoryMonitor(options.memoryIntervalMs ?? MEMORY_INTERVAL_MS);
  const rates = new LiveRates((l) => live(liveLine(l, driver.link().up, memory.latest.rss)));
  log(`serving on ${nic.where} (Ctrl-C to stop)`);
  while (!stop.stopped) {
    driver.reclaim();
    if (driver.receive(RX_BATCH, onFrame) === 0) {
      await driver.waitForReceive(IDLE_WAIT_MS);
      // The twin's virtual clock returns at once: don't spin a shared CPU.
      if (nic.sim) await stop.sleep(IDLE_WAIT_MS);
    }
    // One clock read for both: the loop runs once per receive batch.
    const nowMs = performance.now();
    memory.tick(nowMs);
    rates.tick(totals, nowMs);
  }
  const seconds = rates.elapsedMs / 1000;
  const report = memory.report();
  log(
    `stopped by ${stop.requested} after ${seconds.toFixed(1)} s: received ${count(totals.frames)} frames (${count(totals.bytes)} bytes)`,
  );
  log(memoryLine(report));
  return { seconds, framesReceived: totals.frames, bytesReceived: totals.bytes, memory: report };
}

/** "serving 12 s: rx 19,998 pps 9.60 Mb/s, 240,000 frames, link up, rss 52.1 MiB" (the soak bench parses it). */
export function liveLine(l: RateLine, linkUp: boolean, rssBytes: number): string {
  return `serving ${l.elapsedS.toFixed(0)} s: rx ${count(Math.round(l.pps))} pps ${bitRate(l.bps)}, ${count(l.frames)} frames, link ${linkUp ? 'up' : 'down'}, rss ${byteSize(rssBytes)}`;
}

/** "memory: rss 48.1 MiB at start, peak 52.0 MiB, 51.2 MiB at end; growth +1.2 KiB/min over the last 30 s …" */
export function memoryLine(m: MemoryReport): string {
  return (
    `memory: rss ${byteSize(m.rss.startBytes)} at start, peak ${byteSize(m.rss.peakBytes)}, ` +
    `${byteSize(m.rss.endBytes)} at end (process peak ${byteSize(m.peakRssBytes)}); ` +
    `${growthText(m.rssGrowth)}; heap ${byteSize(m.heapUsed.endBytes)} used, ` +
    `${byteSize(m.external.endBytes)} outside the heap`
  );
}

function growthText(g: Growth | null): string {
  if (!g) return 'too short to tell growth';
  const sign = g.kbPerMin >= 0 ? '+' : '-';
  const noise = g.stdErrKbPerMin === null ? '' : ` ± ${g.stdErrKbPerMin.toFixed(1)}`;
  return `growth ${sign}${Math.abs(g.kbPerMin).toFixed(1)}${noise} KiB/min over the last ${g.windowS.toFixed(0)} s`;
}
