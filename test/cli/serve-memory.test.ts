// `nicdl load --serve` on the e1000 twin with traffic arriving: the serve result carries
// the process's memory (start/peak/end RSS, growth), the live lines show RSS, and the
// summary gets a memory line.
import { describe, expect, it } from 'vitest';
import { memoryLine, serve } from '../../cli/serve.js';
import { openNic } from '../../cli/open-nic.js';
import type { MemoryReport } from '../../cli/memory-monitor.js';
import { makeTestFrame, parseMac } from '../../runtime/packet/index.js';

const SERVE_MS = 1500;
const MEMORY_INTERVAL_MS = 100;
const FRAME_BYTES = 60;
const BURST = 16;
const INJECT_GAP_MS = 5;
const MIB = 1 << 20;
const RCTL_QUIET_US = 1_100_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serve reports memory', () => {
  it('serving twin traffic: every frame counted, RSS start/peak/end and growth in the result', async () => {
    const cleanups: Array<() => unknown> = [];
    const nic = await openNic({}, { onCleanup: (fn) => void cleanups.unshift(fn) });
    try {
      const sim = nic.sim!;
      const dst = parseMac(nic.driver.mac);
      const src = parseMac('02:00:00:00:00:01');
      const frames = Array.from({ length: BURST }, (_, i) =>
        makeTestFrame(i, FRAME_BYTES, dst, src),
      );
      // QEMU's receive pause after the RCTL write (the twin holds frames meanwhile): the
      // virtual clock passes it at once.
      await nic.driver.clock.sleepUs(RCTL_QUIET_US);
      const live: string[] = [];
      const log: string[] = [];
      const serving = serve(
        nic,
        (l) => live.push(l),
        (l) => log.push(l),
        {
          memoryIntervalMs: MEMORY_INTERVAL_MS,
        },
      );
      let accepted = 0;
      const endMs = performance.now() + SERVE_MS;
      while (performance.now() < endMs) {
        for (const f of frames) {
          const outcome = sim.receive(f);
          if (outcome === 'delivered') accepted++;
        }
        await sleep(INJECT_GAP_MS);
      }
      await sleep(10 * INJECT_GAP_MS); // the loop takes the last frames off the ring
      nic.stop.requested = 'SIGINT';
      const r = await serving;

      expect(accepted).toBeGreaterThan(1000);
      expect(r.framesReceived).toBe(accepted);
      const m = r.memory;
      expect(m.intervalMs).toBe(MEMORY_INTERVAL_MS);
      expect(m.samples).toBeGreaterThanOrEqual(SERVE_MS / MEMORY_INTERVAL_MS / 2);
      expect(m.seconds).toBeGreaterThan(SERVE_MS / 1000 - 0.2);
      expect(m.rss.startBytes).toBeGreaterThan(10 * MIB);
      expect(m.rss.peakBytes).toBeGreaterThanOrEqual(Math.max(m.rss.startBytes, m.rss.endBytes));
      expect(m.peakRssBytes).toBeGreaterThanOrEqual(m.rss.peakBytes);
      expect(m.heapUsed.endBytes).toBeGreaterThan(0);
      expect(m.heapUsed.endBytes).toBeLessThan(m.rss.endBytes);
      expect(m.rssGrowth).not.toBeNull();
      expect(m.rssGrowth!.windowS).toBeGreaterThan(0.5);
      expect(Number.isFinite(m.rssGrowth!.kbPerMin)).toBe(true);
      expect(m.heapUsedGrowth!.samples).toBe(m.rssGrowth!.samples);

      expect(live.some((l) => /^serving 1 s: rx [\d,]+ pps .*, rss [\d.]+ MiB$/.test(l))).toBe(
        true,
      );
      expect(log).toContain(memoryLine(m));
      expect(log.at(-1)).toMatch(
        /^memory: rss [\d.]+ MiB at start, peak [\d.]+ MiB, [\d.]+ MiB at end \(process peak [\d.]+ MiB\); growth [+-][\d.]+ ± [\d.]+ KiB\/min over the last \d+ s; heap [\d.]+ MiB used, [\d.]+ (MiB|KiB) outside the heap$/,
      );
    } finally {
      for (const fn of cleanups) await fn();
    }
  });

  it('says so when a serve was too short to tell growth', () => {
    const span = { startBytes: 50 * MIB, peakBytes: 52 * MIB, endBytes: 51 * MIB };
    const m: MemoryReport = {
      samples: 2,
      intervalMs: 1000,
      seconds: 1,
      rss: span,
      heapUsed: span,
      external: span,
      arrayBuffers: span,
      peakRssBytes: 60 * MIB,
      rssGrowth: null,
      heapUsedGrowth: null,
    };
    expect(memoryLine(m)).toBe(
      'memory: rss 50.0 MiB at start, peak 52.0 MiB, 51.0 MiB at end (process peak 60.0 MiB); too short to tell growth; heap 51.0 MiB used, 51.0 MiB outside the heap',
    );
  });
});
