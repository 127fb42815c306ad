/**
 * The suite's commands for fast-check's model-based testing (fc.commands): software
 * steps (post a frame or a burst, refill, flush, harvest, release, reset), device steps
 * (consume, complete, complete late, write late, receive frames) and injected faults (an
 * unmapped buffer, a late done bit). Each prints as a call, so a shrunk counterexample
 * reads as the program that breaks the ring.
 *
 * The arbitraries are built per property, knowing the ring's direction, its buffer
 * size and what the device side can do, so every command carries concrete byte counts.
 */
import fc from 'fast-check';
import type { Ring } from '../../spec/ir.js';
import type { SideCapabilities } from './device-side.js';
import type { RingHarness } from './harness.js';
import type { RingModel } from './ring-model.js';

type Cmd = fc.Command<RingModel, RingHarness>;

/** A command that always applies (a step that cannot happen checks that nothing happens). */
abstract class Step implements Cmd {
  check(): boolean {
    return true;
  }
  abstract run(m: RingModel, h: RingHarness): void;
  abstract toString(): string;
}

class PostFrame extends Step {
  constructor(readonly lengths: number[]) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.postFrame(this.lengths);
  }
  toString(): string {
    return `post(${this.lengths.join('+')})`;
  }
}

class PostBurst extends Step {
  constructor(readonly lengths: number[]) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.postBurst(this.lengths);
  }
  toString(): string {
    return `postBurst([${this.lengths.join(',')}])`;
  }
}

class Refill extends Step {
  constructor(readonly n: number) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.refill(this.n);
  }
  toString(): string {
    return `refill(${this.n})`;
  }
}

class PostUnmapped extends Step {
  constructor(readonly length: number) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.postUnmapped(this.length);
  }
  toString(): string {
    return `postUnmapped(${this.length})`;
  }
}

class Flush extends Step {
  run(_m: RingModel, h: RingHarness): void {
    h.flush();
  }
  toString(): string {
    return 'flush()';
  }
}

class Harvest extends Step {
  constructor(readonly max: number) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.harvest(this.max);
  }
  toString(): string {
    return `harvest(${this.max})`;
  }
}

class Release extends Step {
  constructor(readonly n: number) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.release(this.n);
  }
  toString(): string {
    return `release(${this.n})`;
  }
}

class Reset extends Step {
  run(_m: RingModel, h: RingHarness): void {
    h.reset();
  }
  toString(): string {
    return 'reset()';
  }
}

class Consume extends Step {
  constructor(readonly k: number) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.consume(this.k);
  }
  toString(): string {
    return `device.consume(${this.k})`;
  }
}

class Receive extends Step {
  constructor(readonly frames: { length: number; errors: number }[]) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.receive(this.frames);
  }
  toString(): string {
    return `device.receive([${this.frames.map((f) => (f.errors ? `${f.length}!${f.errors}` : String(f.length))).join(',')}])`;
  }
}

class Complete extends Step {
  constructor(
    readonly k: number,
    readonly late: boolean,
  ) {
    super();
  }
  run(_m: RingModel, h: RingHarness): void {
    h.complete(this.k, this.late);
  }
  toString(): string {
    return this.late ? `device.completeLate(${this.k})` : `device.complete(${this.k})`;
  }
}

class WriteLate extends Step {
  run(_m: RingModel, h: RingHarness): void {
    h.writeLate();
  }
  toString(): string {
    return 'device.writeLate()';
  }
}

export interface CommandContext {
  ring: Ring;
  /** Bytes per buffer the driver configured. */
  bufferBytes: number;
  can: SideCapabilities;
  /** The largest ring of the run sizes (bursts and steps scale with it). */
  maxCount: number;
}

/** Most fragments one TX frame is split into (enough to exercise end-of-frame). */
const MAX_FRAGMENTS = 3;
/** Most frames one receive step delivers. */
const MAX_FRAMES_PER_RECEIVE = 4;
/** Largest error value a receive step asks for (an 8-bit errors field). */
const MAX_ERROR_BITS = 0xff;

/**
 * Relative weights: software and device steps dominate so the ring goes round many times;
 * a reset is rare, or no run would wrap.
 */
const WEIGHT = {
  post: 16,
  burst: 8,
  unmapped: 1,
  flush: 12,
  harvest: 12,
  release: 6,
  reset: 1,
  consume: 12,
  receive: 12,
  complete: 12,
  completeLate: 2,
  writeLate: 3,
} as const;

/** One weighted arbitrary over every command that makes sense for this ring and side. */
export function commandArbitrary(c: CommandContext): fc.Arbitrary<Cmd> {
  const tx = c.ring.direction === 'tx';
  const steps = fc.integer({ min: 1, max: c.maxCount });
  const txLength = fc.integer({ min: 1, max: c.bufferBytes });
  const options: fc.WeightedArbitrary<Cmd>[] = [
    { weight: WEIGHT.flush, arbitrary: fc.constant(new Flush()) },
    { weight: WEIGHT.harvest, arbitrary: steps.map((k) => new Harvest(k)) },
    { weight: WEIGHT.reset, arbitrary: fc.constant(new Reset()) },
    {
      weight: WEIGHT.unmapped,
      arbitrary: txLength.map(
        (n) => new PostUnmapped(tx ? Math.max(n, c.can.txMinFrameBytes) : c.bufferBytes),
      ),
    },
  ];
  if (tx) {
    const frame = fc
      .array(txLength, { minLength: 1, maxLength: MAX_FRAGMENTS })
      .map((ls) => atLeast(ls, c.can.txMinFrameBytes, c.bufferBytes));
    const single = txLength.map((n) => Math.min(c.bufferBytes, Math.max(n, c.can.txMinFrameBytes)));
    options.push(
      { weight: WEIGHT.post, arbitrary: frame.map((ls) => new PostFrame(ls)) },
      {
        weight: WEIGHT.burst,
        arbitrary: fc
          .array(single, { minLength: 1, maxLength: c.maxCount })
          .map((ls) => new PostBurst(ls)),
      },
    );
  } else {
    options.push(
      { weight: WEIGHT.post, arbitrary: steps.map((n) => new Refill(n)) },
      { weight: WEIGHT.release, arbitrary: steps.map((n) => new Release(n)) },
      {
        weight: WEIGHT.receive,
        arbitrary: fc
          .array(rxFrame(c), { minLength: 1, maxLength: MAX_FRAMES_PER_RECEIVE })
          .map((fs) => new Receive(fs)),
      },
    );
  }
  if (tx && c.can.consume)
    options.push({ weight: WEIGHT.consume, arbitrary: steps.map((k) => new Consume(k)) });
  if (c.can.complete)
    options.push({ weight: WEIGHT.complete, arbitrary: steps.map((k) => new Complete(k, false)) });
  if (c.can.late) {
    options.push(
      { weight: WEIGHT.completeLate, arbitrary: steps.map((k) => new Complete(k, true)) },
      { weight: WEIGHT.writeLate, arbitrary: fc.constant(new WriteLate()) },
    );
  }
  return fc.oneof(...options);
}

/** A received frame's length and error bits, within what the side's device accepts. */
function rxFrame(c: CommandContext): fc.Arbitrary<{ length: number; errors: number }> {
  const { min, max } = c.can.rxFrameBytes;
  const errors = c.can.rxErrors
    ? fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MAX_ERROR_BITS }))
    : fc.constant(0);
  // Lengths near the buffer boundaries matter most (one byte under, exact, one over).
  const edges = [1, c.bufferBytes - 1, c.bufferBytes, c.bufferBytes + 1, 2 * c.bufferBytes].filter(
    (n) => n >= min && n <= max,
  );
  const length = fc.oneof(
    fc.integer({ min, max }),
    ...(edges.length ? [fc.constantFrom(...edges)] : []),
  );
  return fc.record({ length, errors });
}

/** Fragment lengths raised (last first) so the whole frame is at least `min` bytes. */
function atLeast(lengths: number[], min: number, bufferBytes: number): number[] {
  const out = [...lengths];
  let total = out.reduce((a, b) => a + b, 0);
  for (let i = out.length - 1; i >= 0 && total < min; i--) {
    const add = Math.min(min - total, bufferBytes - out[i]);
    out[i] += add;
    total += add;
  }
  return out;
}
