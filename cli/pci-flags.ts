/**
 * Flags shared by the PCI commands (devices, bind, unbind). The roots are hidden: they
 * exist so tests can point the commands at a fake sysfs/procfs tree.
 */
import { Flags } from '@oclif/core';
import type { PciOptions } from '../runtime/pci/sysfs.js';

export const pciRootFlags = {
  'sysfs-root': Flags.string({ hidden: true, description: 'root of sysfs (default /sys)' }),
  'proc-root': Flags.string({ hidden: true, description: 'root of procfs (default /proc)' }),
  'dev-root': Flags.string({ hidden: true, description: 'root of device nodes (default /dev)' }),
  'state-dir': Flags.string({
    hidden: true,
    description: 'where bind remembers original drivers (default /run/nicdl)',
  }),
};

export function pciOptions(flags: {
  'sysfs-root'?: string;
  'proc-root'?: string;
  'dev-root'?: string;
  'state-dir'?: string;
}): PciOptions {
  return {
    sysRoot: flags['sysfs-root'],
    procRoot: flags['proc-root'],
    devRoot: flags['dev-root'],
    stateDir: flags['state-dir'],
  };
}
