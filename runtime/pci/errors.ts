/**
 * The host-setup failures shared by PCI binding and VFIO, one factory per class so
 * every path says the same thing: one line, what is wrong, and the command that fixes it.
 * Each class has its own exit code (spec/errors.ts ExitCode).
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { PciPeer } from './discovery.js';

export function noVfioError(what: string): NicdlError {
  return new NicdlError(
    'E_NO_VFIO',
    `${what}: the vfio-pci kernel module is not loaded (run \`modprobe vfio-pci\` as root)`,
    ExitCode.noVfio,
  );
}

export function noIommuError(address: string, why: string): NicdlError {
  return new NicdlError(
    'E_NO_IOMMU',
    `${address}: ${why}; enable the IOMMU with the kernel parameter intel_iommu=on (Intel) or amd_iommu=on (AMD) and reboot`,
    ExitCode.noIommu,
    { address },
  );
}

export function permissionError(path: string): NicdlError {
  return new NicdlError(
    'E_PERMISSION',
    `permission denied on ${path}: run as root, or grant your user access to /dev/vfio/GROUP (and its sysfs files)`,
    ExitCode.permission,
    { path },
  );
}

export function groupNotViableError(
  address: string,
  group: number,
  holders: PciPeer[],
): NicdlError {
  const named = holders.map((p) => `${p.address} (${p.driver})`).join(', ');
  return new NicdlError(
    'E_GROUP_NOT_VIABLE',
    `IOMMU group ${group} of ${address} is not viable: ${named} ${holders.length > 1 ? 'are' : 'is'} held by kernel drivers; bind ${holders.length > 1 ? 'them' : 'it'} to vfio-pci too, or unbind ${holders.length > 1 ? 'them' : 'it'}`,
    ExitCode.groupNotViable,
    { address, group, holders },
  );
}

export function busyError(address: string, why: string): NicdlError {
  return new NicdlError('E_BUSY', `${address} is busy: ${why}`, ExitCode.busy, { address });
}
