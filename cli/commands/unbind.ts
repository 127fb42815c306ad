/** `nicdl unbind ADDR`: give a device back from vfio-pci to the driver it had before bind. */
import { Args } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { pciOptions, pciRootFlags } from '../pci-flags.js';
import type { BindResult } from '../../runtime/pci/index.js';

export default class Unbind extends NicdlCommand {
  static override summary = 'Release a PCI device from vfio-pci and restore its original driver';
  static override description =
    'Unbinds vfio-pci, clears driver_override, and binds the driver recorded by `nicdl bind` ' +
    '(or lets the kernel probe one when nicdl did not bind it).';
  static override examples = ['<%= config.bin %> unbind 0000:00:02.0'];
  static override enableJsonFlag = true;
  static override args = {
    address: Args.string({ required: true, description: 'PCI address, e.g. 0000:00:02.0' }),
  };
  static override flags = { ...pciRootFlags };

  async run(): Promise<BindResult> {
    const { args, flags } = await this.parse(Unbind);
    const { unbindFromVfio } = await import('../../runtime/pci/index.js');
    const r = unbindFromVfio(args.address, pciOptions(flags));
    this.log(
      r.changed
        ? `${r.address}: ${r.previousDriver ?? 'no driver'} -> ${r.driver ?? 'no driver'}`
        : `${r.address}: not bound to vfio-pci, nothing to do`,
    );
    return r;
  }
}
