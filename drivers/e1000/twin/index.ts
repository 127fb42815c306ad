/** The e1000 twin: the behaviour plugin for runtime/sim, and a one-call opener. */
import type { Device as IrDevice } from '../../../spec/ir.js';
import {
  openSimDevice,
  type SimDevice,
  type SimDeviceOptions,
} from '../../../runtime/sim/device.js';
import type { E1000TwinOptions } from './options.js';
import { E1000Twin } from './twin.js';

export { E1000Twin, createE1000Twin, type E1000TwinDiagnostics } from './twin.js';
export { type E1000TwinOptions, DEFAULT_MAC, parseMac } from './options.js';

/** Open a twin of the e1000 described by `ir` (normally drivers/e1000/e1000.nicdl). */
export function openE1000Twin(
  ir: IrDevice,
  twinOptions: E1000TwinOptions = {},
  simOptions: SimDeviceOptions = {},
): { device: SimDevice; twin: E1000Twin } {
  const twin = new E1000Twin(twinOptions);
  return { device: openSimDevice(ir, twin, simOptions), twin };
}
/** The twin's own datasheet register map (for cross-checking a spec against it). */
export { REG as TWIN_REGISTERS, STAT as TWIN_COUNTERS } from './registers.js';
