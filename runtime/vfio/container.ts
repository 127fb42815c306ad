/**
 * A VFIO container (/dev/vfio/vfio): one IOMMU address space. Groups join it, then the
 * IOMMU type is chosen, then DMA mappings are made in it.
 */
import { join } from 'node:path';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { native } from '../native.js';
import { closeQuietly, ioctlChecked, openNode } from './fds.js';
import { ioctlError } from './errors.js';
import { constants as osConstants } from 'node:os';
import {
  VFIO_API_VERSION,
  VFIO_CHECK_EXTENSION,
  VFIO_GET_API_VERSION,
  VFIO_IOMMU_MAP_DMA,
  VFIO_IOMMU_UNMAP_DMA,
  VFIO_NOIOMMU_IOMMU,
  VFIO_SET_IOMMU,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  dmaMapStruct,
  dmaUnmapStruct,
} from './uapi.js';

export class VfioContainer {
  private constructor(
    readonly fd: number,
    /** The device this container serves, for messages. */
    private readonly address: string,
  ) {}

  /** Open /dev/vfio/vfio under `devRoot` and check the API version. */
  static open(devRoot: string, address: string): VfioContainer {
    const path = join(devRoot, 'vfio', 'vfio');
    const fd = openNode(path, address);
    try {
      const version = ioctlChecked(
        fd,
        VFIO_GET_API_VERSION,
        undefined,
        `VFIO_GET_API_VERSION on ${path}`,
        address,
      );
      if (version !== VFIO_API_VERSION) {
        throw new NicdlError(
          'E_VFIO_API',
          `${path} speaks VFIO API ${version}, nicdl knows ${VFIO_API_VERSION}`,
          ExitCode.unsupported,
        );
      }
      return new VfioContainer(fd, address);
    } catch (e) {
      closeQuietly(fd);
      throw e;
    }
  }

  /** The IOMMU type to use: type1v2 when offered, else type1; the no-IOMMU type in that mode. */
  chooseIommuType(noIommu: boolean): number {
    const supports = (type: number) => native().ioctl(this.fd, VFIO_CHECK_EXTENSION, type) > 0;
    if (noIommu) {
      if (supports(VFIO_NOIOMMU_IOMMU)) return VFIO_NOIOMMU_IOMMU;
    } else {
      if (supports(VFIO_TYPE1v2_IOMMU)) return VFIO_TYPE1v2_IOMMU;
      if (supports(VFIO_TYPE1_IOMMU)) return VFIO_TYPE1_IOMMU;
    }
    throw new NicdlError(
      'E_NO_IOMMU',
      `${this.address}: VFIO offers no ${noIommu ? 'no-IOMMU' : 'type1 IOMMU'} driver (modprobe vfio_iommu_type1; boot with intel_iommu=on or amd_iommu=on)`,
      ExitCode.noIommu,
      { address: this.address },
    );
  }

  /** VFIO_SET_IOMMU; needs at least one group in the container. */
  setIommu(type: number): void {
    const r = native().ioctl(this.fd, VFIO_SET_IOMMU, type);
    if (r >= 0) return;
    if (-r === osConstants.errno.EPERM) {
      // Seen in QEMU with intel-iommu,intremap=off: type1 refuses IOMMUs without interrupt remapping.
      throw new NicdlError(
        'E_NO_IOMMU',
        `${this.address}: VFIO_SET_IOMMU refused (EPERM): the IOMMU lacks interrupt remapping; enable it (QEMU: -device intel-iommu,intremap=on) or load vfio_iommu_type1 allow_unsafe_interrupts=1`,
        ExitCode.noIommu,
        { address: this.address },
      );
    }
    throw ioctlError('VFIO_SET_IOMMU', -r, this.address);
  }

  /** Let the device reach `size` bytes at process address `vaddr` through `iova`. */
  mapDma(vaddr: bigint, iova: number, size: number): void {
    ioctlChecked(
      this.fd,
      VFIO_IOMMU_MAP_DMA,
      dmaMapStruct(vaddr, iova, size),
      `VFIO_IOMMU_MAP_DMA iova 0x${iova.toString(16)} size ${size}`,
      this.address,
    );
  }

  unmapDma(iova: number, size: number): void {
    ioctlChecked(
      this.fd,
      VFIO_IOMMU_UNMAP_DMA,
      dmaUnmapStruct(iova, size),
      `VFIO_IOMMU_UNMAP_DMA iova 0x${iova.toString(16)}`,
      this.address,
    );
  }

  close(): void {
    closeQuietly(this.fd);
  }
}
