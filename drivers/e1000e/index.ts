/**
 * The e1000e (82574L) driver package: a NicDriverModule the CLI opens on hardware (VFIO)
 * or the twin, like the e1000's. Built on the code generated from e1000e.nicdl
 * (./generated/) and on the e1000 driver's modules for what the two devices share.
 *
 *   import e1000e from './drivers/e1000e/index.js';
 *   const nic = await e1000e.open(device, ir, { queues: 2 });
 *   nic.transmit([frame], undefined, 1); nic.receive(32, (frame, meta) => meta.queue);
 */
import type { NicConfig, NicDriverModule } from '../../runtime/nic.js';
import type { Clock, Device } from '../../runtime/types.js';
import type { Device as IrDevice } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { driverSpecPath } from '../spec-path.js';
import { clockOf } from '../wall-clock.js';
import { device as generatedDevice } from './generated/index.js';
import { resolveConfig } from './config.js';
import { E1000eDriver } from './driver.js';

export { E1000eDriver, type E1000eFacts } from './driver.js';
export { resolveConfig, MAX_QUEUES, type E1000eConfig } from './config.js';

const SPEC_FILE = 'e1000e.nicdl';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** Refuse an IR or device this driver was not generated for; returns warnings (stale IR). */
export function checkDevice(device: Device, ir: IrDevice): string[] {
  const { vendor, device: id, address } = device.identity;
  const listed = (list: readonly { vendor: number; device: number }[]) =>
    list.some((p) => p.vendor === vendor && p.device === id);
  if (ir.name !== generatedDevice.name || !listed(ir.pci) || !listed(generatedDevice.pci)) {
    throw new NicdlError(
      'E_UNSUPPORTED_DEVICE',
      `the e1000e driver drives ${generatedDevice.pci.map((p) => `${hex4(p.vendor)}:${hex4(p.device)}`).join(', ')} with an IR of ${generatedDevice.spec.file}; got '${ir.name}' and device ${address} (${hex4(vendor)}:${hex4(id)})`,
      ExitCode.unsupported,
      { ir: ir.name, address, vendor, device: id },
    );
  }
  return ir.source.hash === generatedDevice.spec.sha256
    ? []
    : [
        `the IR comes from a different ${SPEC_FILE} than drivers/e1000e/generated (run npm run generate:e1000e)`,
      ];
}

const e1000e: NicDriverModule = {
  specPath: driverSpecPath('e1000e', SPEC_FILE),
  async open(
    device: Device,
    ir: IrDevice,
    config: NicConfig = {},
    clock?: Clock,
  ): Promise<E1000eDriver> {
    const warnings = checkDevice(device, ir);
    return E1000eDriver.open(device, ir, resolveConfig(config), clock ?? clockOf(device), warnings);
  },
};

export default e1000e;
export const specPath = e1000e.specPath;
export const open = e1000e.open.bind(e1000e);
