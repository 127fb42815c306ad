/** The 82574L twin: the behaviour plugin for runtime/sim, and a one-call opener. */
import type { Device as IrDevice } from '../../../spec/ir.js';
import {
  openSimDevice,
  type SimDevice,
  type SimDeviceOptions,
} from '../../../runtime/sim/device.js';
import type { E1000eTwinOptions } from './options.js';
import { E1000eTwin } from './twin.js';

export { E1000eTwin, createE1000eTwin, type E1000eTwinDiagnostics } from './twin.js';
export type { E1000eTwinOptions } from './options.js';
export { toeplitzHash } from './rss.js';

/** Open a twin of the 82574L described by `ir` (normally drivers/e1000e/e1000e.nicdl). */
export function openE1000eTwin(
  ir: IrDevice,
  twinOptions: E1000eTwinOptions = {},
  simOptions: SimDeviceOptions = {},
): { device: SimDevice; twin: E1000eTwin } {
  const twin = new E1000eTwin(twinOptions);
  return { device: openSimDevice(ir, twin, simOptions), twin };
}
