/**
 * The e1000 driver package: a NicDriverModule the CLI opens on hardware (VFIO) or the
 * twin. The driver is built on the code generated from e1000.nicdl (./generated/); the IR
 * handed to open() must describe the same device, and the device's PCI ids must be ones
 * the spec lists.
 *
 *   import e1000 from './drivers/e1000/index.js';
 *   const nic = await e1000.open(device, ir, { rxRingSize: 512 });
 *   nic.transmit([frame]); nic.receive(32, (frame, meta) => ...); await nic.close();
 */
import type { NicConfig, NicDriverModule } from '../../runtime/nic.js';
import type { Clock, Device } from '../../runtime/types.js';
import type { Device as IrDevice } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { driverSpecPath } from '../spec-path.js';
import { clockOf } from '../wall-clock.js';
import { device as generatedDevice } from './generated/index.js';
import { resolveConfig } from './config.js';
import { E1000Driver } from './driver.js';

export { E1000Driver, type E1000Facts } from './driver.js';
export { resolveConfig, type E1000Config } from './config.js';
export type { PhyInfo } from './link.js';

const SPEC_FILE = 'e1000.nicdl';

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/**
 * Refuse an IR or a device this driver was not generated for (E_UNSUPPORTED_DEVICE);
 * returns warnings (an IR from a different revision of the spec than ./generated/).
 */
export function checkDevice(device: Device, ir: IrDevice): string[] {
  if (ir.name !== generatedDevice.name) {
    throw new NicdlError(
      'E_UNSUPPORTED_DEVICE',
      `the e1000 driver cannot drive '${ir.name}': it is generated from ${generatedDevice.spec.file}`,
      ExitCode.unsupported,
      {
        ir: ir.name,
      },
    );
  }
  const { vendor, device: id, address } = device.identity;
  const listed = (list: readonly { vendor: number; device: number }[]) =>
    list.some((p) => p.vendor === vendor && p.device === id);
  if (!listed(ir.pci) || !listed(generatedDevice.pci)) {
    const known = ir.pci
      .map((p) => `${hex4(p.vendor)}:${hex4(p.device)}${p.name ? ` (${p.name})` : ''}`)
      .join(', ');
    throw new NicdlError(
      'E_UNSUPPORTED_DEVICE',
      `device ${address} is ${hex4(vendor)}:${hex4(id)}, which ${generatedDevice.spec.file} does not list (it lists ${known})`,
      ExitCode.unsupported,
      { address, vendor, device: id },
    );
  }
  return ir.source.hash === generatedDevice.spec.sha256
    ? []
    : [
        `the IR comes from a different ${SPEC_FILE} than drivers/e1000/generated (run npm run generate)`,
      ];
}

const e1000: NicDriverModule = {
  specPath: driverSpecPath('e1000', SPEC_FILE),
  async open(
    device: Device,
    ir: IrDevice,
    config: NicConfig = {},
    clock?: Clock,
  ): Promise<E1000Driver> {
    const warnings = checkDevice(device, ir);
    const resolved = resolveConfig(config);
    return E1000Driver.open(device, ir, resolved, clock ?? clockOf(device), warnings);
  },
};

export default e1000;
export const specPath = e1000.specPath;
export const open = e1000.open.bind(e1000);
