/**
 * The ring suite: every ring of any spec, driven through its generated class against a
 * device side (the generic model, or a twin) and a plain model, with fast-check.
 * `nicdl test` is its command-line face.
 */
export {
  checkRings,
  ringCounts,
  DEFAULT_RUNS,
  DEFAULT_MAX_COMMANDS,
  PATH_SEPARATOR,
  type CheckRingsOptions,
  type DriverOptions,
  type PropertyFailure,
  type PropertyReport,
  type PropertyStats,
  type RingCheckReport,
  type RingClassWrapper,
} from './check.js';
export type {
  DeviceSide,
  SideCapabilities,
  SideEvent,
  SideFactory,
  RxFrameRequest,
} from './device-side.js';
export { MODEL_SIDE } from './model-side.js';
export { simOptions } from './sim-options.js';
export {
  loadGeneratedRings,
  type GeneratedRing,
  type GeneratedRingClass,
  type GeneratedRingEntry,
} from './generated-rings.js';
export { RingCheckFailure } from './harness.js';
export { formatProperty, formatReport } from './format.js';
