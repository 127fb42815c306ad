/**
 * Is the device behind an IOMMU, and if not, has the user explicitly accepted running
 * without one? Without an IOMMU a device can DMA anywhere in physical memory, so the
 * no-IOMMU mode (a kernel built with CONFIG_VFIO_NOIOMMU, enabled at run time) is only
 * ever used when asked for by name.
 */
import { join } from 'node:path';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { PciDeviceInfo } from './discovery.js';
import { noIommuError } from './errors.js';
import type { Sysfs } from './sysfs.js';

export type IommuMode = 'iommu' | 'noiommu';

/** The vfio module parameter that allows groups without an IOMMU. */
const NOIOMMU_PARAM = 'module/vfio/parameters/enable_unsafe_noiommu_mode';

export function iommuMode(info: PciDeviceInfo, sysfs: Sysfs, unsafeNoIommu = false): IommuMode {
  const noiommuEnabled = sysfs.io.read(join(sysfs.root, NOIOMMU_PARAM))?.trim();
  // A device bound to vfio-pci in no-IOMMU mode does get a (fake) group, so the group
  // alone does not prove an IOMMU: the module parameter says which kind it is.
  if (info.iommuGroup !== undefined && noiommuEnabled !== 'Y') return 'iommu';
  if (!unsafeNoIommu) {
    throw noIommuError(
      info.address,
      info.iommuGroup === undefined
        ? 'no IOMMU group (the kernel runs without an IOMMU)'
        : 'VFIO runs in no-IOMMU mode here (enable_unsafe_noiommu_mode=Y)',
    );
  }
  if (noiommuEnabled === undefined) {
    throw new NicdlError(
      'E_NO_IOMMU',
      `${info.address}: no IOMMU, and this kernel has no VFIO no-IOMMU support (CONFIG_VFIO_NOIOMMU); enable the IOMMU with intel_iommu=on or amd_iommu=on`,
      ExitCode.noIommu,
      { address: info.address },
    );
  }
  if (noiommuEnabled !== 'Y') {
    throw new NicdlError(
      'E_NO_IOMMU',
      `${info.address}: no IOMMU; for the unsafe no-IOMMU mode run \`echo 1 > /sys/${NOIOMMU_PARAM}\` first`,
      ExitCode.noIommu,
      { address: info.address },
    );
  }
  return 'noiommu';
}
