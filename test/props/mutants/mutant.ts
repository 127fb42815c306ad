/**
 * A mutant: one defect from shared/docs/hardware.md ("What the original design document
 * got wrong") planted into the e1000 spec, its generated ring, or the driver around it.
 * The ring suite must fail on every one; `caughtBy` names the properties (ring/device)
 * that must fail, `passes` those that cannot see the defect and must stay green.
 */
import type {
  DriverOptions,
  GeneratedRing,
  GeneratedRingClass,
  RingClassWrapper,
} from '../../../runtime/ring-check/index.js';

export interface Mutant {
  name: string;
  /** The defect, in hardware.md's words. */
  defect: string;
  /** A subclass of the generated ring class that carries the defect. */
  wrap?: RingClassWrapper;
  /** A driver that configures one buffer size and allocates another. */
  driver?: DriverOptions;
  /** Edits one spec source: the edited text, or undefined when this file is not the one. */
  patchSpec?: (text: string) => string | undefined;
  /** Rings the suite runs for it. */
  rings: string[];
  /** Properties, as "ring/device", that must fail. */
  caughtBy: string[];
  /** Properties that cannot see the defect (and must pass). */
  passes?: string[];
}

/** The generated class as a base to extend (its constructor signature, its instance type). */
export type RingBase = new (...args: ConstructorParameters<GeneratedRingClass>) => GeneratedRing;

/** Declares `Sub` a ring class, as the suite expects it. */
export function asRingClass(Sub: RingBase): GeneratedRingClass {
  return Sub as unknown as GeneratedRingClass;
}
