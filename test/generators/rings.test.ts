/**
 * Generated rings over the runtime's DescriptorRing, driven against the IR-semantics BAR
 * and a minimal device (helpers/ring-device.ts), for every ring of every spec:
 * size limits with typed errors, init as the only head write, `on post` as declared,
 * the one-slot gap, one tail write per burst and none without news, completion by the
 * done bit in FIFO order with the done bit cleared, wraparound, RX harvest fields, and
 * checked mode catching a device that reports a slot it still owns.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Device, Ring } from '../../spec/ir.js';
import type { DmaRegion, RingCompletion, RingLayout, RingOptions } from '../../runtime/index.js';
import { NicdlError } from '../../spec/errors.js';
import { descriptorNamed, registerNamed } from '../../generators/layout.js';
import { batchableReport, ringClass, ringLayoutName } from '../../generators/ts/rings.js';
import { SemanticMmio } from './helpers/semantic-mmio.js';
import { RingDevice } from './helpers/ring-device.js';
import { dmaRegion, TestAllocator } from './helpers/dma.js';
import { allCases, E1000E, generatedModule } from './helpers/specs.js';
import { propParams } from './helpers/props.js';

interface RingApi {
  count: number;
  bufferBytes: number;
  region: DmaRegion;
  init(): void;
  free(): number;
  post(iova: number, length: number, cookie?: number, last?: boolean): boolean;
  postBurst(
    iovas: ArrayLike<number>,
    lengths: ArrayLike<number>,
    n: number,
    cookies?: ArrayLike<number>,
  ): number;
  flush(): void;
  nextCompleted(): number;
  reclaim(): number;
  completed(): IterableIterator<RingCompletion>;
  reportsAt(slot: number): boolean;
  refill?(iova: number, cookie?: number): boolean;
  postBound(n: number, iovaOfSlot: ArrayLike<number>): void;
  postOwnBuffer(length: number, iovaOfSlot: ArrayLike<number>): boolean;
  bindBuffers(iovaOfSlot: ArrayLike<number>): void;
  cookieAt(slot: number): number;
  bufferAt(slot: number): number;
  clean: number;
  inUse: number;
  tail: number;
}

type RingCtor = new (mmio: SemanticMmio, region: DmaRegion, options?: RingOptions) => RingApi;

function layoutOf(mod: Record<string, unknown>, ring: Ring): RingLayout {
  return mod[ringLayoutName(ring)] as RingLayout;
}

function setup(
  ir: Device,
  mod: Record<string, unknown>,
  ring: Ring,
  count: number,
  checked = false,
  reportEvery = 1,
) {
  const mmio = new SemanticMmio(ir, registerNamed(ir, ring.registers.tail, 'test').bar);
  const dma = new TestAllocator();
  const factory = (
    mod.rings as Record<string, (m: SemanticMmio, d: TestAllocator, o: object) => RingApi>
  )[ring.name];
  const r = factory(mmio, dma, { count, checked, reportEvery });
  r.init();
  const device = new RingDevice(ir, ring, mmio, r.region, count);
  return { mmio, r, device };
}

function errorOf(fn: () => unknown): NicdlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NicdlError) return e;
    throw e;
  }
  throw new Error('expected a NicdlError');
}

/** A legal count near the minimum, for fast tests. */
function smallCount(ring: Ring): number {
  return Math.max(ring.count.min, ring.count.step * 2);
}

describe.each([...allCases(), E1000E])('rings of $name', (spec) => {
  const ringsOf = async () => {
    const ir = await spec.load();
    return { ir, mod: await generatedModule(spec), rings: ir.rings };
  };

  it('refuse sizes, buffers and regions outside the spec, naming the values', async () => {
    const { mod, rings } = await ringsOf();
    for (const ring of rings) {
      const Cls = mod[ringClass(ring)] as RingCtor;
      const mmio = {} as SemanticMmio;
      const { min, max, step } = ring.count;
      const bad = [min - step, max + step, ...(step > 1 ? [min + 1] : [])];
      for (const count of bad) {
        const e = errorOf(() => new Cls(mmio, dmaRegion(16 * (max + step), 0), { count }));
        expect(e.code).toBe('E_RING_SIZE');
        expect(e.message).toContain(`ring ${ring.name}: count ${count}`);
        expect(e.detail).toMatchObject({ count, min, max, step });
      }
      expect(
        errorOf(
          () =>
            new Cls(mmio, dmaRegion(16 * min, 0), { count: min, bufferBytes: ring.buffer.max + 1 }),
        ).code,
      ).toBe('E_RING_BUFFER');
      expect(
        errorOf(() => new Cls(mmio, dmaRegion(16 * min, ring.align / 2 || 1), { count: min })).code,
      ).toBe(ring.align > 1 ? 'E_RING_ALIGN' : 'E_RING_REGION');
      expect(errorOf(() => new Cls(mmio, dmaRegion(8, 0), { count: min })).code).toBe(
        'E_RING_REGION',
      );
    }
  });

  it('init programs base, length, head and tail; nothing else writes the head', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const count = smallCount(ring);
      const { mmio, r, device } = setup(ir, mod, ring, count);
      const reg = (n: string) => registerNamed(ir, n, 'test').offset;
      expect(mmio.peek(reg(ring.registers.baseLo))).toBe(r.region.iova % 2 ** 32);
      expect(mmio.peek(reg(ring.registers.baseHi))).toBe(Math.floor(r.region.iova / 2 ** 32));
      expect(mmio.peek(reg(ring.registers.length))).toBe(r.region.size);
      expect(mmio.writesTo(device.headOffset)).toEqual([0]);
      for (let i = 0; i < 3 * count; i++) {
        while (r.free() > 0) r.post(0x1000 * (i + 1), 64, i);
        r.flush();
        device.process(count);
        r.reclaim();
      }
      expect(mmio.writesTo(device.headOffset), 'head writes').toEqual([0]);
      expect(
        mmio.log.filter((a) => a.op === 'r' && a.offset === device.tailOffset),
        'tail reads',
      ).toEqual([]);
    }
  });

  it('post writes the descriptor as `on post` declares, and keeps one slot empty', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const count = smallCount(ring);
      const { r, device } = setup(ir, mod, ring, count);
      const iova = 0x1_2345_6780;
      expect(r.post(iova, 60, 7)).toBe(true);
      for (const p of ring.post) {
        const expected =
          p.source === 'buffer' ? iova % 2 ** 32 : p.source === 'length' ? 60 : (p.value ?? 0);
        expect(device.field(0, p), `${ring.name}: ${p.field} after post`).toBe(expected);
      }
      let posted = 1;
      while (r.post(0x2000, 60)) posted++;
      expect(posted).toBe(count - 1);
      expect(r.free()).toBe(0);
      expect(r.postBurst([1, 2], [60, 60], 2)).toBe(0);
    }
  });

  it('postBound writes what as many post() calls write, across the wrap, and no more than free()', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => x.direction === 'rx')) {
      const count = smallCount(ring);
      for (const checked of [false, true]) {
        const one = setup(ir, mod, ring, count, checked);
        const bound = setup(ir, mod, ring, count, checked);
        const iovaOfSlot = Array.from({ length: count }, (_, s) => 0x1_0000_0000 + s * 0x800);
        // Move both rings past the middle, so the next posts wrap around the end.
        for (const { r, device } of [one, bound]) {
          for (let i = 0; i < count - 2; i++) r.post(0x4000, r.bufferBytes, 99);
          r.flush();
          device.process(count - 2);
          expect(r.reclaim()).toBe(count - 2);
        }
        const n = one.r.free();
        for (let i = 0; i < n; i++)
          one.r.post(iovaOfSlot[one.r.tail], one.r.bufferBytes, one.r.tail);
        bound.r.postBound(n, iovaOfSlot);
        const label = `${ring.name} checked=${checked}`;
        expect([...bound.r.region.u8], label).toEqual([...one.r.region.u8]);
        expect([bound.r.tail, bound.r.inUse], label).toEqual([one.r.tail, one.r.inUse]);
        for (let s = 0; s < count; s++) expect(bound.r.cookieAt(s)).toBe(one.r.cookieAt(s));
        expect(errorOf(() => bound.r.postBound(1, iovaOfSlot)).code).toBe('E_RING_FULL');
      }
    }
  });

  it("postBound keeps every posted slot's buffer and cookie right across refills, a post() between them and a new table", async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => x.direction === 'rx')) {
      const count = smallCount(ring);
      const { r, device } = setup(ir, mod, ring, count);
      const tableA = Array.from({ length: count }, (_, s) => 0x1_0000_0000 + s * 0x800);
      const tableB = Array.from({ length: count }, (_, s) => 0x2000_0000 + s * 0x1000);
      /** Each slot in use holds what `table` gives it, its number as cookie, in memory too. */
      const expectBound = (table: number[], label: string) => {
        for (let n = 0, s = r.clean; n < r.inUse; n++, s = (s + 1) % count) {
          expect([r.bufferAt(s), r.cookieAt(s)], `${ring.name} ${label} slot ${s}`).toEqual([
            table[s],
            s,
          ]);
        }
      };
      /** The device takes `k` slots, the driver takes them back. */
      const consume = (k: number) => {
        r.flush();
        device.process(k);
        expect(r.reclaim()).toBe(k);
      };
      // Refills of uneven sizes, wrapping the ring several times.
      for (const k of [count - 1, 3, 1, count - 2, 5, 2, count - 1]) {
        r.postBound(r.free(), tableA);
        expectBound(tableA, `refill after ${k}`);
        consume(Math.min(k, r.inUse));
      }
      // A slot posted by post() in between, with its own buffer and cookie: the next
      // postBound() posts that slot again and must write the table's values back.
      consume(r.inUse);
      r.post(0x4000, r.bufferBytes, 99);
      expect([
        r.bufferAt((r.tail + count - 1) % count),
        r.cookieAt((r.tail + count - 1) % count),
      ]).toEqual([0x4000, 99]);
      consume(1);
      for (let round = 0; round < 3; round++) {
        r.postBound(r.free(), tableA);
        expectBound(tableA, `after post() round ${round}`);
        consume(r.inUse);
      }
      // Another table: every slot takes its new buffer.
      for (let round = 0; round < 3; round++) {
        r.postBound(r.free(), tableB);
        expectBound(tableB, `table B round ${round}`);
        consume(r.inUse - 1);
      }
    }
  });

  it("postOwnBuffer writes what post() of the slot's own buffer writes, across wraps, foreign posts, commits and reports (model-based)", async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => x.direction === 'tx')) {
      const count = smallCount(ring);
      const maxLength = Math.min(ring.buffer.max, 4096);
      const table = Array.from({ length: count }, (_, s) => 0x1_8000_0000 + s * 0x1000);
      const step = fc.oneof(
        // Runs of own-buffer posts, long enough to bind the whole ring.
        fc.record({
          own: fc.integer({ min: 1, max: maxLength }),
          times: fc.integer({ min: 1, max: count }),
        }),
        fc.record({ foreign: fc.integer({ min: 1, max: maxLength }) }),
        fc.record({ commit: fc.constant(true) }),
        fc.record({ abandon: fc.constant(true) }),
        fc.record({ complete: fc.nat({ max: count }) }),
      );
      fc.assert(
        fc.property(
          fc.constantFrom(1, 3, count),
          fc.boolean(),
          fc.array(step, { minLength: 1, maxLength: 3 * count }),
          (every, bind, steps) => {
            const own = setup(ir, mod, ring, count, false, batchableReport(ir, ring) ? every : 1);
            const ref = setup(ir, mod, ring, count, false, batchableReport(ir, ring) ? every : 1);
            // Bound up front (as the e1000 TX queue does), own posts store no address from the
            // first one on; ref's post() rewrites whole slots, so binding it only makes the
            // free slots' bytes alike.
            if (bind) for (const { r } of [own, ref]) r.bindBuffers(table);
            for (const st of steps) {
              if ('own' in st) {
                for (let i = 0; i < st.times; i++) {
                  const slot = ref.r.tail;
                  expect(own.r.postOwnBuffer(st.own, table)).toBe(
                    ref.r.post(table[slot], st.own, slot),
                  );
                  // Keep room coming: the device takes what is handed over.
                  if (ref.r.free() === 0) {
                    for (const { r, device } of [own, ref]) {
                      r.flush();
                      device.process(count);
                      r.reclaim();
                    }
                  }
                }
              } else if ('foreign' in st) {
                for (const { r } of [own, ref]) r.post(0x7000_0000, st.foreign, 999);
              } else if ('commit' in st) {
                for (const { r } of [own, ref]) {
                  const c = r as unknown as { reserve(): number; commit(cookie: number): void };
                  const slot = c.reserve();
                  if (slot < 0) continue;
                  // Another format's bytes over the whole slot (as a context descriptor's).
                  r.region.u8.fill(0xa5, slot * 16, slot * 16 + 16);
                  c.commit(-1);
                }
              } else if ('abandon' in st) {
                // A slot reserved and written through a codec, then never committed.
                for (const { r } of [own, ref]) {
                  const slot = (r as unknown as { reserve(): number }).reserve();
                  if (slot >= 0) r.region.u8.fill(0x5a, slot * 16, slot * 16 + 16);
                }
              } else {
                for (const { r, device } of [own, ref]) {
                  r.flush();
                  device.process(st.complete);
                  r.reclaim();
                }
              }
              expect([...own.r.region.u8]).toEqual([...ref.r.region.u8]);
              expect([own.r.tail, own.r.inUse, own.r.clean]).toEqual([
                ref.r.tail,
                ref.r.inUse,
                ref.r.clean,
              ]);
              for (let n = 0, s = ref.r.clean; n < ref.r.inUse; n++, s = (s + 1) % count) {
                expect([own.r.bufferAt(s), own.r.cookieAt(s)]).toEqual([
                  ref.r.bufferAt(s),
                  ref.r.cookieAt(s),
                ]);
              }
            }
          },
        ),
        propParams(40),
      );
    }
  });

  it("postBound refills write what post() writes after any device write-back: the address is rewritten only where the descriptor's writeback view covers it (model-based)", async () => {
    const { ir, mod, rings } = await ringsOf();
    const FIELD_BYTES = { u8: 1, u16: 2, u32: 4, u64: 8 } as const;
    for (const ring of rings.filter((x) => x.direction === 'rx')) {
      const desc = descriptorNamed(ir, ring.descriptor);
      const size = desc.size;
      const count = smallCount(ring);
      const table = Array.from({ length: count }, (_, s) => 0x1_8000_0000 + s * 0x1000);
      // What a device may write back: its writeback view, or with one view every field
      // but the buffer address (each byte keeps its meaning both ways).
      const buffer = ring.post.find((p) => p.source === 'buffer')!;
      const deviceBytes = (
        desc.writeback ?? desc.fields.filter((f) => f.name !== buffer.field)
      ).flatMap((f) => Array.from({ length: FIELD_BYTES[f.type] }, (_, i) => f.offset + i));
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: count }), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 4 * count,
          }),
          (rounds) => {
            const bound = setup(ir, mod, ring, count);
            const ref = setup(ir, mod, ring, count);
            for (const [k, noise] of rounds) {
              const n = bound.r.free();
              for (let i = 0; i < n; i++)
                ref.r.post(table[ref.r.tail], ref.r.bufferBytes, ref.r.tail);
              bound.r.postBound(n, table);
              expect([...bound.r.region.u8], `${ring.name} after refill`).toEqual([
                ...ref.r.region.u8,
              ]);
              for (const { r, device } of [bound, ref]) {
                r.flush();
                const first = device.head;
                const taken = device.process(k);
                // The write-back: arbitrary bytes wherever the device may write.
                for (let i = 0; i < taken; i++) {
                  const base = ((first + i) % count) * size;
                  for (const b of deviceBytes) r.region.u8[base + b] = (noise + b) & 0xff;
                }
                for (let i = 0; i < taken; i++) device.setDone((first + i) % count);
                for (let got = r.nextCompleted(); got >= 0; got = r.nextCompleted());
              }
            }
          },
        ),
        propParams(30),
      );
    }
  });

  it('flush writes the tail once per burst, and not at all when nothing is new', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const count = smallCount(ring);
      const { mmio, r, device } = setup(ir, mod, ring, count);
      const burst = Math.min(5, count - 1);
      expect(
        r.postBurst(
          Array.from({ length: burst }, (_, i) => 0x1000 * (i + 1)),
          Array(burst).fill(100),
          burst,
        ),
      ).toBe(burst);
      r.flush();
      r.flush();
      expect(mmio.writesTo(device.tailOffset)).toEqual([0, burst]);
    }
  });

  it('complete in order by the done bit, clear it, and wrap around (model-based)', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const count = smallCount(ring);
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: count }), fc.nat({ max: count })), {
            minLength: 1,
            maxLength: 40,
          }),
          (rounds) => {
            const { r, device } = setup(ir, mod, ring, count, true);
            const fifo: number[] = [];
            let cookie = 0;
            for (const [posts, processed] of rounds) {
              for (let i = 0; i < posts; i++) {
                const ok = r.post(0x10_0000 + cookie * 0x800, 64, cookie);
                expect(ok).toBe(fifo.length < count - 1);
                if (ok) fifo.push(cookie++);
              }
              r.flush();
              device.process(
                processed,
                ring.direction === 'rx' ? () => ({ length: 60, eop: true, errors: 0 }) : undefined,
              );
              for (const c of r.completed()) {
                expect(c.cookie).toBe(fifo.shift());
                expect(c.buffer).toBe(0x10_0000 + c.cookie * 0x800);
                expect(device.isDone(c.slot), 'done bit cleared on completion').toBe(false);
              }
              expect(r.inUse).toBe(fifo.length);
              expect(r.free()).toBe(count - 1 - fifo.length);
              expect(device.pending()).toBe(fifo.length);
            }
          },
        ),
        propParams(25),
      );
    }
  });

  it('bindBuffers refuses a ring with slots posted, naming how many', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const count = smallCount(ring);
      const { r } = setup(ir, mod, ring, count);
      const table = Array.from({ length: count }, (_, s) => 0x10_0000 + s * 0x1000);
      r.post(0x1000, 64);
      const e = errorOf(() => r.bindBuffers(table));
      expect(e.code).toBe('E_RING_STATE');
      expect(e.message).toContain(ring.name);
      expect(e.detail).toMatchObject({ inUse: 1 });
    }
  });

  it('checked mode refuses a slot the device still owns', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const count = smallCount(ring);
      const { r, device } = setup(ir, mod, ring, count, true);
      r.post(0x1000, 64);
      r.post(0x2000, 64);
      r.flush();
      device.setDone(0); // done bit without the head moving past the slot
      const e = errorOf(() => r.nextCompleted());
      expect(e.code).toBe('E_RING_OWNERSHIP');
      expect(e.message).toContain(`${ring.registers.head}=0`);
      const unchecked = setup(ir, mod, ring, count, false);
      unchecked.r.post(0x1000, 64);
      unchecked.r.flush();
      unchecked.device.setDone(0);
      expect(unchecked.r.nextCompleted()).toBe(0);
    }
  });

  it('RX rings report the written-back length, end of packet and errors', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => x.direction === 'rx')) {
      const count = smallCount(ring);
      const { r, device } = setup(ir, mod, ring, count);
      for (let i = 0; i < count - 1; i++) expect(r.refill!(0x4000 + i * 0x800, i)).toBe(true);
      r.flush();
      const results = [
        { length: 60, eop: true, errors: 0 },
        { length: r.bufferBytes, eop: false, errors: 0 },
        { length: 1514, eop: true, errors: ring.errorsField ? 0x80 : 0 },
      ];
      device.process(3, (i) => results[i]);
      // The yielded object is reused (no allocation per packet): copy inside the loop.
      const got: object[] = [];
      for (const c of r.completed())
        got.push({ length: c.length, eop: c.eop, errors: c.errors, cookie: c.cookie });
      expect(got).toEqual(
        results.map((x, i) => ({
          ...x,
          eop: ring.eop ? x.eop : true,
          errors: ring.errorsField ? x.errors : 0,
          cookie: i,
        })),
      );
    }
  });

  it('reserve/commit posts a slot written through another format, completing in order', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => x.direction === 'tx')) {
      const { r, device } = setup(ir, mod, ring, smallCount(ring));
      const slot = (r as unknown as { reserve(): number }).reserve();
      expect(slot).toBe(0);
      expect(r.inUse).toBe(0);
      // Without a report bit the ring may set, the caller writes the descriptor to report.
      if (ring.reportStatus && !layoutOf(mod, ring).reportBit) device.setBit(0, ring.reportStatus);
      (r as unknown as { commit(cookie: number): void }).commit(41);
      r.post(0x3000, 200, 42);
      r.flush();
      device.process(2);
      const cookies: number[] = [];
      for (const c of r.completed()) cookies.push(c.cookie);
      expect(cookies).toEqual([41, 42]);
    }
  });

  it('TX fragments that are not the last of their frame leave the end-of-frame bit clear', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => x.direction === 'tx' && x.lastOfFrame)) {
      const { r, device } = setup(ir, mod, ring, smallCount(ring));
      r.post(0x1000, 100, 0, false);
      r.post(0x2000, 100, 1, true);
      const eop = ring.lastOfFrame!;
      expect(device.field(0, eop) & eop.mask).toBe(0);
      expect(device.field(1, eop) & eop.mask).toBe(eop.mask);
      r.flush();
      device.process(2);
      const got: object[] = [];
      for (const c of r.completed()) got.push({ cookie: c.cookie, length: c.length, eop: c.eop });
      expect(got).toEqual([
        { cookie: 0, length: 100, eop: false },
        { cookie: 1, length: 100, eop: true },
      ]);
    }
  });
  it('reportEvery: only rings whose report bit sits alike in every format batch; bad values refused', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings) {
      const Cls = mod[ringClass(ring)] as RingCtor;
      const count = smallCount(ring);
      const region = () => dmaRegion(16 * count * 2, 0);
      const batchable = batchableReport(ir, ring);
      expect(layoutOf(mod, ring).reportBit).toBe(
        batchable ? `${batchable.field}.${batchable.bit}` : undefined,
      );
      for (const bad of [0, -1, 1.5]) {
        const e = errorOf(() => new Cls({} as SemanticMmio, region(), { count, reportEvery: bad }));
        expect(e.code).toBe('E_RING_REPORT');
        expect(e.message).toContain(`ring ${ring.name}: reportEvery ${bad}`);
      }
      if (!batchable) {
        const e = errorOf(() => new Cls({} as SemanticMmio, region(), { count, reportEvery: 4 }));
        expect(e.code).toBe('E_RING_REPORT');
        expect(e.message).toMatch(/no report bit it can leave clear/);
      }
    }
  });

  it('reportEvery N: the report bit on every Nth descriptor and the last of each flush; a slot is back only when its covering report is done (model-based)', async () => {
    const { ir, mod, rings } = await ringsOf();
    for (const ring of rings.filter((x) => batchableReport(ir, x))) {
      const report = ring.reportStatus!;
      const count = smallCount(ring);
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: count + 1 }),
          fc.array(fc.tuple(fc.nat({ max: count }), fc.nat({ max: count })), {
            minLength: 1,
            maxLength: 40,
          }),
          (every, rounds) => {
            const { r, device } = setup(ir, mod, ring, count, true, every);
            // Posted and not yet back, oldest first: cookie, slot, and whether it reports.
            const fifo: { cookie: number; slot: number; reports: boolean }[] = [];
            let cookie = 0;
            let unreportedRun = 0;
            for (const [posts, processed] of rounds) {
              const first = fifo.length;
              for (let i = 0; i < posts; i++) {
                const slot = r.tail;
                if (!r.post(0x10_0000 + cookie * 0x800, 64, cookie)) break;
                fifo.push({ cookie: cookie++, slot, reports: false });
              }
              r.flush();
              for (const p of fifo.slice(first)) {
                p.reports = (device.field(p.slot, report) & report.mask) !== 0;
                expect(r.reportsAt(p.slot)).toBe(p.reports);
                unreportedRun = p.reports ? 0 : unreportedRun + 1;
                expect(unreportedRun, 'descriptors in a row without the report bit').toBeLessThan(
                  every,
                );
              }
              if (fifo.length > first) expect(fifo[fifo.length - 1].reports).toBe(true);
              device.process(processed);
              // Slots of the FIFO the device has moved past, this round or before.
              const passed = fifo.length > 0 ? (device.head - fifo[0].slot + count) % count : 0;
              // What may come back: every slot up to the last reported one the device passed.
              let ready = 0;
              for (let i = 0; i < passed; i++) if (fifo[i].reports) ready = i + 1;
              const got: number[] = [];
              for (const c of r.completed()) got.push(c.cookie);
              expect(got).toEqual(fifo.splice(0, ready).map((p) => p.cookie));
              expect(r.inUse).toBe(fifo.length);
            }
          },
        ),
        propParams(25),
      );
    }
  });
});
