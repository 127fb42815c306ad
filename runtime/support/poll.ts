/**
 * Polling with a time limit, for generated sequences (`wait REG.FIELD == V within T`).
 * Time comes from the Clock, so the device twin can run a 10 ms wait in virtual time.
 */
import type { Clock, Mmio } from '../types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';

/** Which step of which sequence is waiting, for the timeout error. */
export interface StepWhere {
  /** Sequence name in the spec, e.g. "reset". */
  sequence: string;
  /** 1-based step number within the sequence. */
  step: number;
  /** Spec location of the step, `file:line:col` ('' when unknown). */
  location: string;
  /** What is polled, e.g. "CTRL.RST". */
  target: string;
}

/**
 * A sequence's poll ran out of time. Names the sequence, the step, its spec location, the
 * condition and the last value read, so the message alone says what the device did not do.
 */
export class SequenceTimeoutError extends NicdlError {
  override readonly name = 'SequenceTimeoutError';

  constructor(
    readonly where: StepWhere,
    readonly condition: string,
    readonly lastValue: number,
    readonly timeoutUs: number,
  ) {
    const at = where.location ? ` (${where.location})` : '';
    super(
      'E_POLL_TIMEOUT',
      `sequence ${where.sequence} step ${where.step}${at}: ${condition} not reached within ` +
        `${timeoutUs} us (last ${where.target} = 0x${lastValue.toString(16)})`,
      ExitCode.timeout,
      { ...where, condition, lastValue, timeoutUs },
    );
  }
}

/** The comparisons a `wait` step may use. */
export type PollComparison = '==' | '!=';

/** Everything one `wait` step needs besides the Mmio and Clock. */
export interface PollSpec {
  /** Byte offset of the register in its BAR. */
  offset: number;
  /** Bits compared, in place; `shift` moves them down to bit 0. */
  mask: number;
  shift: number;
  cmp: PollComparison;
  expected: number;
  timeoutUs: number;
  intervalUs: number;
  where: StepWhere;
}

/**
 * Reads `(reg & mask) >>> shift` every `intervalUs` until it compares as asked, or throws
 * SequenceTimeoutError once `timeoutUs` have passed. The condition is read once more
 * after the last sleep, so a late scheduler does not turn success into a timeout.
 */
export async function pollRegister(mmio: Mmio, clock: Clock, p: PollSpec): Promise<void> {
  const startUs = clock.nowUs();
  for (;;) {
    const value = ((mmio.read32(p.offset) & p.mask) >>> p.shift) >>> 0;
    if ((value === p.expected) === (p.cmp === '==')) return;
    if (clock.nowUs() - startUs >= p.timeoutUs) {
      throw new SequenceTimeoutError(
        p.where,
        `${p.where.target} ${p.cmp} ${p.expected}`,
        value,
        p.timeoutUs,
      );
    }
    await clock.sleepUs(p.intervalUs);
  }
}
