/**
 * Property: any sequence of frames sent in bursts through the TX ring in PHY loopback
 * comes back through the RX ring byte for byte and in order, across many wraparounds of
 * both rings, with the statistics counting exactly those frames. Multi-descriptor frames
 * (random split points) and small RX buffers (frames spanning descriptors) included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CMD,
  R,
  RCTL_BITS,
  RX_STATUS,
  TWIN_MAC,
  frameTo,
  openTwin,
  setupRx,
  setupTx,
} from './harness.js';

const MDIC_WRITE_PHY1_CTRL = (1 << 26) | (1 << 21);
const PHY_LOOPBACK_1000_FD = (1 << 14) | (1 << 8) | (1 << 6);
const RUNS = Number(process.env.NICDL_PROP_RUNS ?? 25);

const frameSpec = fc.record({
  length: fc.integer({ min: 60, max: 1514 }),
  seed: fc.integer({ min: 0, max: 255 }),
  /** Split the frame over this many TX descriptors. */
  pieces: fc.integer({ min: 1, max: 3 }),
});

describe('e1000 twin: loopback integrity (property)', () => {
  it('every frame comes back intact and in order; counters match', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(frameSpec, { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.constantFrom(1024, 2048),
        (bursts, rxBuffer) => {
          const t = openTwin();
          const rx = setupRx(t, {
            count: 16,
            bufferBytes: rxBuffer,
            rctl:
              RCTL_BITS.EN | RCTL_BITS.BAM | RCTL_BITS.SECRC | (rxBuffer === 1024 ? 1 << 16 : 0),
          });
          const tx = setupTx(t, 16);
          t.wr(R.MDIC, MDIC_WRITE_PHY1_CTRL | PHY_LOOPBACK_1000_FD);
          const bufs = Array.from({ length: 16 }, () => t.dev.dma.alloc(2048));
          const sent: Uint8Array[] = [];
          const received: Uint8Array[] = [];
          let pending: number[] = [];
          const drainRx = () => {
            while (rx.desc(rx.next).status & RX_STATUS.DD) {
              const d = rx.desc(rx.next);
              pending.push(...rx.data(rx.next));
              if (d.status & RX_STATUS.EOP) {
                received.push(Uint8Array.from(pending));
                pending = [];
              }
              rx.recycle(rx.next);
              rx.next = (rx.next + 1) % rx.count;
            }
          };
          for (const burst of bursts) {
            for (const f of burst) {
              const frame = frameTo(TWIN_MAC, f.length, f.seed);
              const cut = Math.ceil(frame.length / f.pieces);
              for (let p = 0; p < f.pieces; p++) {
                const part = frame.subarray(p * cut, Math.min(frame.length, (p + 1) * cut));
                const b = bufs[tx.tail];
                b.u8.set(part);
                const last = p === f.pieces - 1;
                tx.postLegacy(b.iova, part.length, CMD.IFCS | (last ? CMD.EOP | CMD.RS : 0));
              }
              sent.push(frame);
            }
            tx.flush();
            drainRx();
          }
          expect(received).toEqual(sent);
          expect(t.dev.wire.take()).toEqual([]);
          expect(t.rd(R.GPTC)).toBe(sent.length);
          expect(t.rd(R.GPRC)).toBe(sent.length);
          const octets = sent.reduce((n, f) => n + f.length + 4, 0);
          expect(t.rd(R.GOTCL)).toBe(octets);
          expect(t.rd(R.GORCL)).toBe(octets);
          expect(t.dev.faults.total + t.dev.violations.total).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
