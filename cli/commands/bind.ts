/** `nicdl bind ADDR`: hand a PCI device to vfio-pci so a nicdl driver can open it. */
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { pciOptions, pciRootFlags } from '../pci-flags.js';
import type { BindResult } from '../../runtime/pci/index.js';

export default class Bind extends NicdlCommand {
  static override summary = 'Bind a PCI device to vfio-pci (remembering its driver for unbind)';
  static override description =
    'Sets driver_override, unbinds the current kernel driver and re-probes. Refuses when other devices of the ' +
    'IOMMU group are held by kernel drivers, and when the device carries the default route (unless --force).';
  static override examples = [
    '<%= config.bin %> bind 0000:00:02.0',
    '<%= config.bin %> bind 00:02.0 --force',
  ];
  static override enableJsonFlag = true;
  static override args = {
    address: Args.string({ required: true, description: 'PCI address, e.g. 0000:00:02.0' }),
  };
  static override flags = {
    force: Flags.boolean({
      description: 'take the device even if its interface carries the default route',
    }),
    'unsafe-noiommu': Flags.boolean({
      description: 'allow a device without an IOMMU (no DMA isolation; kernel no-IOMMU mode)',
    }),
    ...pciRootFlags,
  };

  async run(): Promise<BindResult & { iommuGroup?: number }> {
    const { args, flags } = await this.parse(Bind);
    const opts = pciOptions(flags);
    const { bindToVfio, getPciDevice } = await import('../../runtime/pci/index.js');
    const r = bindToVfio(args.address, {
      ...opts,
      force: flags.force,
      unsafeNoIommu: flags['unsafe-noiommu'],
    });
    const { iommuGroup } = getPciDevice(r.address, opts);
    const group =
      iommuGroup === undefined ? '' : ` (IOMMU group ${iommuGroup}, /dev/vfio/${iommuGroup})`;
    this.log(
      r.changed
        ? `${r.address}: ${r.previousDriver ?? 'no driver'} -> vfio-pci${group}`
        : `${r.address}: already bound to vfio-pci${group}`,
    );
    return { ...r, iommuGroup };
  }
}
