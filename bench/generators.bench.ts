/**
 * Generated code against hand-written typed-array code doing the same work, same run:
 * 1. register accessors (modify with fields, field get, rc read, w1s set, array write,
 *    writeFields from reset), generated through the Mmio interface vs hand-written on a
 *    Uint32Array (the cost of the abstraction as a driver pays it) and vs hand-written
 *    through the same Mmio (the cost of the generated code alone);
 * 2. descriptor codecs: fill a TX slot and test its done bit;
 * 3. rings: post, one tail write per 32-packet burst, completion by the done bit;
 * 4. `nicdl generate` of e1000 in-process: load + lower + generate + write (cold and warm).
 * Goals: ratios <= 1.10; generate under 200 ms.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, goal, writeResult } from './harness.js';
import type { DmaRegion, Mmio } from '../runtime/index.js';
import { generateTarget } from '../generators/index.js';
import { writeGenerated } from '../generators/output.js';
import { parseIr, type Device } from '../spec/ir.js';
import { existsSync } from 'node:fs';

/**
 * The generated code measured: e1000's (drivers/e1000/generated), or — before it exists —
 * the test fixture's golden output, which has the same registers, descriptor and ring.
 */
type Generated = typeof import('../test/generators/golden/mini/ts/index.js');
const E1000_GENERATED = new URL('../drivers/e1000/generated/index.ts', import.meta.url);
const gen: Generated = existsSync(E1000_GENERATED)
  ? ((await import(E1000_GENERATED.href)) as Generated)
  : await import('../test/generators/golden/mini/ts/index.js');
const GENERATED_FROM = existsSync(E1000_GENERATED)
  ? 'drivers/e1000/generated'
  : 'test/generators/golden/mini/ts';

const BAR_BYTES = 128 * 1024;
const SLOTS = 256;
const DESC_BYTES = 16;
const BURST = 32;

/** The Mmio a driver gets from the VFIO backend is a class over a Uint32Array view of the BAR. */
class ArrayMmio implements Mmio {
  readonly u32: Uint32Array;
  constructor(readonly size: number) {
    this.u32 = new Uint32Array(size / 4);
  }
  read32(offset: number): number {
    return this.u32[offset >>> 2];
  }
  write32(offset: number, value: number): void {
    this.u32[offset >>> 2] = value;
  }
}

function region(size: number): DmaRegion {
  const b = new ArrayBuffer(size);
  return {
    iova: 0x1_0000_0000,
    size,
    u8: new Uint8Array(b),
    u16: new Uint16Array(b),
    u32: new Uint32Array(b),
    view: new DataView(b),
  };
}

let sink = 0;

// ---- 1. Register accessors -------------------------------------------------------------
// e1000 offsets and bits, written out by hand as a driver without nicdl would (8254x SDM §13.4).
const CTRL = 0x0000;
const CTRL_FD = 1 << 0;
const CTRL_SLU = 1 << 6;
const CTRL_RST = 1 << 26;
const STATUS = 0x0008;
const STATUS_LU_SHIFT = 1;
const ICR = 0x00c0;
const ICR_LSC = 1 << 2;
const IMS = 0x00d0;
const IMS_LSC_RXT0 = (1 << 2) | (1 << 7);
const RCTL = 0x0100;
const RCTL_EN = 1 << 1;
const RCTL_BAM = 1 << 15;
const RCTL_SECRC = 1 << 26;
const MTA = 0x5200;
const MTA_COUNT = 128;

/**
 * The register work of a driver's interrupt and link path, written with the generated
 * accessors. Both sides are classes holding their handle, as drivers are; the masks a
 * loop needs are taken out of the generated module once, as a driver's imports would.
 */
class GeneratedRegisterWork {
  readonly lsc = gen.ICR.LSC.mask;
  readonly imsMask = gen.IMS.LSC.mask | gen.IMS.RXT0.mask;
  sink = 0;
  constructor(readonly regs: ReturnType<typeof gen.registers>) {}
  run(n: number): void {
    const regs = this.regs;
    for (let i = 0; i < n; i++) {
      if ((regs.ICR.readAndClear() & this.lsc) !== 0) this.sink++;
      this.sink += regs.STATUS.getLU();
      regs.IMS.set(this.imsMask);
      regs.CTRL.modify((c) => c.SLU(1).FD(1));
      regs.MTA.write(i & 127, i);
      regs.RCTL.writeFields((w) => w.EN(1).BAM(1).SECRC(1));
    }
  }
}

/** The same work, hand-written on a Uint32Array view of the BAR (ixy.js style). */
class HandRegisterWork {
  sink = 0;
  constructor(readonly bar: Uint32Array) {}
  run(n: number): void {
    const u32 = this.bar;
    for (let i = 0; i < n; i++) {
      if ((u32[ICR >>> 2] & ICR_LSC) !== 0) this.sink++;
      this.sink += (u32[STATUS >>> 2] >>> STATUS_LU_SHIFT) & 1;
      u32[IMS >>> 2] = IMS_LSC_RXT0;
      u32[CTRL >>> 2] = ((u32[CTRL >>> 2] & ~CTRL_RST) | CTRL_SLU | CTRL_FD) >>> 0;
      const idx = i & 127;
      if (idx >= MTA_COUNT) throw new RangeError('MTA index');
      u32[(MTA >>> 2) + idx] = i;
      u32[RCTL >>> 2] = (RCTL_EN | RCTL_BAM | RCTL_SECRC) >>> 0;
    }
  }
}

/** The same work, hand-written through the same Mmio the generated code uses. */
class HandMmioRegisterWork {
  sink = 0;
  constructor(readonly bar: Mmio) {}
  run(n: number): void {
    const mmio = this.bar;
    for (let i = 0; i < n; i++) {
      if ((mmio.read32(ICR) & ICR_LSC) !== 0) this.sink++;
      this.sink += (mmio.read32(STATUS) >>> STATUS_LU_SHIFT) & 1;
      mmio.write32(IMS, IMS_LSC_RXT0);
      mmio.write32(CTRL, ((mmio.read32(CTRL) & ~CTRL_RST) | CTRL_SLU | CTRL_FD) >>> 0);
      const idx = i & 127;
      if (idx >= MTA_COUNT) throw new RangeError('MTA index');
      mmio.write32(MTA + idx * 4, i);
      mmio.write32(RCTL, (RCTL_EN | RCTL_BAM | RCTL_SECRC) >>> 0);
    }
  }
}

// ---- 2. Descriptor codecs --------------------------------------------------------------
const TX_CMD = 0x0b; // EOP | IFCS | RS (§3.3.3.1)
const TX_DD = 0x01;

function codecGenerated(r: DmaRegion) {
  const d = new gen.TxLegacy(r);
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      const slot = i & (SLOTS - 1);
      d.setAddr(slot, 0x1_0000_0000 + i * 2048);
      d.setLength(slot, 60 + (i & 1023));
      d.setCmd(slot, TX_CMD);
      d.setStatus(slot, 0);
      if (d.statusDD(slot)) sink++;
    }
  };
}

function codecByHand(r: DmaRegion) {
  const { u8, u16, u32 } = r;
  return (n: number) => {
    for (let i = 0; i < n; i++) {
      const slot = i & (SLOTS - 1);
      const iova = 0x1_0000_0000 + i * 2048;
      u32[slot * 4] = iova >>> 0;
      u32[slot * 4 + 1] = Math.floor(iova / 0x1_0000_0000);
      u16[slot * 8 + 4] = 60 + (i & 1023);
      u8[slot * 16 + 11] = TX_CMD;
      u8[slot * 16 + 12] = 0;
      if ((u8[slot * 16 + 12] & TX_DD) !== 0) sink++;
    }
  };
}

// ---- 3. Rings ---------------------------------------------------------------------------
const TDT = 0x3818;

/** The device's part, identical for both rings: mark every handed-over slot done. */
function deviceCompletes(u8: Uint8Array, from: number, to: number): void {
  for (let s = from; s !== to; s = s + 1 === SLOTS ? 0 : s + 1) u8[s * DESC_BYTES + 12] |= TX_DD;
}

function ringGenerated(mmio: ArrayMmio, r: DmaRegion) {
  const ring = new gen.TxRing(mmio, r, { count: SLOTS });
  ring.init();
  let handed = 0;
  return (n: number) => {
    for (let i = 0; i < n; i += BURST) {
      for (let k = 0; k < BURST; k++) ring.post(0x1_0000_0000 + k * 2048, 60, k);
      ring.flush();
      deviceCompletes(r.u8, handed, ring.tail);
      handed = ring.tail;
      for (let slot = ring.nextCompleted(); slot >= 0; slot = ring.nextCompleted())
        sink += ring.cookieAt(slot);
    }
  };
}

/** A careful hand-written ring: same ownership rules, same bookkeeping, no generality. */
class HandRing {
  next = 0;
  clean = 0;
  tailWritten = 0;
  used = 0;
  readonly cookies = new Float64Array(SLOTS);
  readonly iovas = new Float64Array(SLOTS);
  constructor(
    readonly mmio: Mmio,
    readonly u8: Uint8Array,
    readonly u16: Uint16Array,
    readonly u32: Uint32Array,
  ) {}
  post(iova: number, len: number, cookie: number): boolean {
    if (!(len > 0 && len <= 16288)) throw new RangeError('length');
    if (this.used === SLOTS - 1) return false;
    const s = this.next;
    this.u32[s * 4] = iova >>> 0;
    this.u32[s * 4 + 1] = Math.floor(iova / 0x1_0000_0000);
    this.u16[s * 8 + 4] = len;
    this.u8[s * 16 + 11] = TX_CMD;
    this.u8[s * 16 + 12] = 0;
    this.iovas[s] = iova;
    this.cookies[s] = cookie;
    this.next = s + 1 === SLOTS ? 0 : s + 1;
    this.used++;
    return true;
  }
  flush(): void {
    if (this.next === this.tailWritten) return;
    this.tailWritten = this.next;
    this.mmio.write32(TDT, this.next);
  }
  nextCompleted(): number {
    const s = this.clean;
    if (s === this.tailWritten || (this.u8[s * 16 + 12] & TX_DD) === 0) return -1;
    this.u8[s * 16 + 12] &= ~TX_DD;
    this.clean = s + 1 === SLOTS ? 0 : s + 1;
    this.used--;
    return s;
  }
}

function ringByHand(mmio: ArrayMmio, r: DmaRegion) {
  const ring = new HandRing(mmio, r.u8, r.u16, r.u32);
  let handed = 0;
  return (n: number) => {
    for (let i = 0; i < n; i += BURST) {
      for (let k = 0; k < BURST; k++) ring.post(0x1_0000_0000 + k * 2048, 60, k);
      ring.flush();
      deviceCompletes(r.u8, handed, ring.next);
      handed = ring.next;
      for (let slot = ring.nextCompleted(); slot >= 0; slot = ring.nextCompleted())
        sink += ring.cookies[slot];
    }
  };
}

// ---- 4. nicdl generate ---------------------------------------------------------------------
const FRONT_END = new URL('../spec/index.ts', import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The front end's loader (e1000), or the fixture before the front end exists. */
async function specLoader(): Promise<() => Device> {
  if (!existsSync(FRONT_END)) {
    const { miniIr } = await import('../test/generators/fixtures/mini-ir.js');
    return miniIr;
  }
  const front = (await import(FRONT_END.href)) as { loadIr(p: string): Device };
  return () => front.loadIr('drivers/e1000/e1000.nicdl');
}

/**
 * What `nicdl generate` does for e1000, in-process: lower the spec, generate the
 * TypeScript, write it. Modules are imported first (the CLI runs compiled JS from dist/;
 * tsx's transpiling is not the generator's cost); "cold" is the first run in a fresh
 * process, "warm" the median of the next seven. Plus the whole CLI process, wall clock,
 * when dist/ is built.
 */
async function generateTimes(): Promise<{
  coldMs: number;
  warmMs: number;
  generateOnlyWarmMs: number;
  cliWallMs?: number;
  cliStartupWallMs?: number;
  files: number;
}> {
  const load = await specLoader();
  const out = mkdtempSync(join(tmpdir(), 'nicdl-gen-'));
  const once = () => {
    const t0 = performance.now();
    const ir = parseIr(load());
    const t1 = performance.now();
    const files = generateTarget(ir, 'ts', { runtimeImport: '../../../runtime/index.js' });
    const t2 = performance.now();
    writeGenerated(out, files);
    return { ms: performance.now() - t0, generateMs: t2 - t1, files: files.size };
  };
  const cold = once();
  const warm: number[] = [];
  const generateOnly: number[] = [];
  for (let i = 0; i < 7; i++) {
    const r = once();
    warm.push(r.ms);
    generateOnly.push(r.generateMs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // The whole CLI process, and the same process doing nothing (`--version`): the
  // difference is the command's own work, the rest is Node and oclif starting.
  const wall = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['bin/run.js', ...args], { cwd: REPO, encoding: 'utf8' });
    return r.status === 0 ? performance.now() - t0 : undefined;
  };
  const cli = existsSync(join(REPO, 'dist/cli/commands/generate.js')) && existsSync(FRONT_END);
  const cliWallMs = cli ? wall(['generate', 'drivers/e1000/e1000.nicdl', '-o', out]) : undefined;
  const cliStartupWallMs = cli ? wall(['--version']) : undefined;
  rmSync(out, { recursive: true, force: true });
  return {
    coldMs: cold.ms,
    warmMs: median(warm),
    generateOnlyWarmMs: median(generateOnly),
    cliWallMs,
    cliStartupWallMs,
    files: cold.files,
  };
}

/**
 * Garbage collections while generated code runs 2M times after warm-up: 0 means the
 * operation allocates nothing once optimised (closures passed to modify/writeFields
 * included: V8 removes them when it inlines the call).
 */
async function allocationCheck(): Promise<Record<string, number>> {
  const { PerformanceObserver } = await import('node:perf_hooks');
  let gcs = 0;
  const observer = new PerformanceObserver((list) => void (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ['gc'] });
  const regs = gen.registers(new ArrayMmio(BAR_BYTES));
  const r = region(SLOTS * DESC_BYTES);
  const desc = new gen.TxLegacy(r);
  const tx = new gen.TxRing(new ArrayMmio(BAR_BYTES), r, { count: SLOTS });
  const out = new Int32Array(1);
  const ops: Record<string, (i: number) => void> = {
    registerModify: () => regs.CTRL.modify((c) => c.SLU(1).FD(1)),
    registerWriteFields: () => regs.RCTL.writeFields((w) => w.EN(1).BAM(1)),
    registerReads: () =>
      void (out[0] += regs.ICR.readAndClear() + regs.STATUS.getLU() + regs.GORC.readAndClear()),
    registerArrayWrite: (i) => regs.MTA.write(i & 127, i),
    descriptorCodec: (i) => {
      desc.setAddr(i & (SLOTS - 1), 0x1_0000_0000 + i);
      desc.setLength(i & (SLOTS - 1), 60);
      out[0] += desc.statusDD(i & (SLOTS - 1)) ? 1 : 0;
    },
    ringPostComplete: (i) => {
      tx.post(0x1_0000_0000, 60, i & 0xffff);
      if ((i & (BURST - 1)) !== BURST - 1) return;
      tx.flush();
      deviceCompletes(r.u8, tx.clean, tx.tail);
      for (const c of tx.completed()) out[0] += c.cookie;
    },
  };
  const result: Record<string, number> = {};
  for (const [name, op] of Object.entries(ops)) {
    for (let i = 0; i < 300_000; i++) op(i);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = gcs;
    for (let i = 0; i < 2_000_000; i++) op(i);
    await new Promise((resolve) => setTimeout(resolve, 20));
    result[name] = gcs - before;
  }
  observer.disconnect();
  return result;
}

type Comparison = ReturnType<typeof compare>;

/**
 * Runs both sides for a while before measuring, pausing between rounds: V8 optimises on a
 * background thread, and on a loaded machine that thread needs the pauses to finish and
 * install optimised code for both sides before compare() starts timing.
 */
async function warmed(
  candidate: (n: number) => void,
  baseline: (n: number) => void,
  iterations: number,
): Promise<Comparison> {
  const WARM_ROUNDS = 20;
  const PAUSE_MS = 20;
  for (let i = 0; i < WARM_ROUNDS; i++) {
    candidate(iterations);
    baseline(iterations);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return compare(candidate, baseline, iterations);
}

/** Each comparison, by name; each runs in a process of its own (see main). */
const CASES: Record<string, () => Promise<unknown>> = {
  accessors: () => {
    const generated = new GeneratedRegisterWork(gen.registers(new ArrayMmio(BAR_BYTES)));
    const byHand = new HandRegisterWork(new ArrayMmio(BAR_BYTES).u32);
    return warmed(
      (n) => generated.run(n),
      (n) => byHand.run(n),
      ITERATIONS,
    );
  },
  accessorsSameMmio: () => {
    const generated = new GeneratedRegisterWork(gen.registers(new ArrayMmio(BAR_BYTES)));
    const byHand = new HandMmioRegisterWork(new ArrayMmio(BAR_BYTES));
    return warmed(
      (n) => generated.run(n),
      (n) => byHand.run(n),
      ITERATIONS,
    );
  },
  codecs: () =>
    warmed(
      codecGenerated(region(SLOTS * DESC_BYTES)),
      codecByHand(region(SLOTS * DESC_BYTES)),
      ITERATIONS * 4,
    ),
  rings: () =>
    warmed(
      ringGenerated(new ArrayMmio(BAR_BYTES), region(SLOTS * DESC_BYTES)),
      ringByHand(new ArrayMmio(BAR_BYTES), region(SLOTS * DESC_BYTES)),
      ITERATIONS * 4,
    ),
  generate: generateTimes,
  allocation: allocationCheck,
};

const ITERATIONS = 200_000;
const CASE_ENV = 'NICDL_BENCH_CASE';

/**
 * Runs each case in a fresh process: what V8 learned optimising one comparison (inlining
 * decisions, type feedback in shared code such as the Mmio class) must not tilt the next.
 */
function runCase(name: string): unknown {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CASE_ENV]: name },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bench case ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const only = process.env[CASE_ENV];
  if (only) {
    console.log(JSON.stringify({ result: await CASES[only](), sink }));
    return;
  }
  const get = <T>(name: string) => (runCase(name) as { result: T }).result;
  const accessors = get<Comparison>('accessors');
  const accessorsSameMmio = get<Comparison>('accessorsSameMmio');
  const codecs = get<Comparison>('codecs');
  const rings = get<Comparison>('rings');
  const generate = get<Awaited<ReturnType<typeof generateTimes>>>('generate');
  const allocation = get<Record<string, number>>('allocation');
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  writeResult('generators', {
    accessors: {
      ...accessors,
      unit: 'ns per 6 register operations, vs hand-written on a Uint32Array',
      goal: goal(r3(accessors.ratio), 1.1),
    },
    accessorsSameMmio: {
      ...accessorsSameMmio,
      unit: 'ns per 6 register operations, vs hand-written through the same Mmio',
    },
    descriptorCodecs: {
      ...codecs,
      unit: 'ns per TX slot fill + done test',
      goal: goal(r3(codecs.ratio), 1.1),
    },
    rings: {
      ...rings,
      unit: 'ns per packet (post, 1/32 flush, completion)',
      goal: goal(r3(rings.ratio), 1.1),
    },
    garbageCollectionsPer2MCalls: allocation,
    generatedFrom: GENERATED_FROM,
    generateE1000: {
      ...generate,
      spec: existsSync(FRONT_END) ? 'drivers/e1000/e1000.nicdl' : 'fixture (no front end yet)',
      goal: goal(Math.round(generate.coldMs), 200),
    },
    headline: {
      generators_accessor_ratio: r3(accessors.ratio),
      generators_accessor_same_mmio_ratio: r3(accessorsSameMmio.ratio),
      generators_codec_ratio: r3(codecs.ratio),
      generators_ring_ratio: r3(rings.ratio),
      generators_generate_e1000_ms: Math.round(generate.coldMs),
    },
  });
}

await main();
