/**
 * A VFIO group (/dev/vfio/N): the unit of isolation. It must be viable (every device in
 * it bound to vfio-pci or to a driver that does no DMA), join a container, and then hands
 * out device fds.
 */
import { join } from 'node:path';
import { closeQuietly, ioctlChecked, openNode } from './fds.js';
import type { VfioContainer } from './container.js';
import {
  VFIO_GROUP_FLAGS_VIABLE,
  VFIO_GROUP_GET_DEVICE_FD,
  VFIO_GROUP_GET_STATUS,
  VFIO_GROUP_SET_CONTAINER,
  cString,
  groupStatusStruct,
  intArg,
} from './uapi.js';

export class VfioGroup {
  private constructor(
    readonly fd: number,
    readonly path: string,
    private readonly address: string,
  ) {}

  /** /dev/vfio/N, or /dev/vfio/noiommu-N in no-IOMMU mode. */
  static open(devRoot: string, group: number, noIommu: boolean, address: string): VfioGroup {
    const path = join(devRoot, 'vfio', `${noIommu ? 'noiommu-' : ''}${group}`);
    return new VfioGroup(openNode(path, address), path, address);
  }

  isViable(): boolean {
    const status = groupStatusStruct();
    ioctlChecked(
      this.fd,
      VFIO_GROUP_GET_STATUS,
      status.buf,
      `VFIO_GROUP_GET_STATUS on ${this.path}`,
      this.address,
    );
    return (status.flags() & VFIO_GROUP_FLAGS_VIABLE) !== 0;
  }

  setContainer(container: VfioContainer): void {
    ioctlChecked(
      this.fd,
      VFIO_GROUP_SET_CONTAINER,
      intArg(container.fd),
      `VFIO_GROUP_SET_CONTAINER on ${this.path}`,
      this.address,
    );
  }

  /** A device fd for `address` (its sysfs name), from which regions and IRQs are reached. */
  deviceFd(address: string): number {
    return ioctlChecked(
      this.fd,
      VFIO_GROUP_GET_DEVICE_FD,
      cString(address),
      `VFIO_GROUP_GET_DEVICE_FD ${address}`,
      this.address,
    );
  }

  close(): void {
    closeQuietly(this.fd);
  }
}
