/** Region and device information of a VFIO device fd. */
import { ioctlChecked } from './fds.js';
import {
  VFIO_DEVICE_GET_INFO,
  VFIO_DEVICE_GET_REGION_INFO,
  deviceInfoStruct,
  regionInfoStruct,
  type RegionInfo,
} from './uapi.js';

export function regionInfo(deviceFd: number, index: number, address: string): RegionInfo {
  const s = regionInfoStruct(index);
  ioctlChecked(
    deviceFd,
    VFIO_DEVICE_GET_REGION_INFO,
    s.buf,
    `VFIO_DEVICE_GET_REGION_INFO ${index}`,
    address,
  );
  return s.read();
}

export function deviceInfo(deviceFd: number, address: string) {
  const s = deviceInfoStruct();
  ioctlChecked(deviceFd, VFIO_DEVICE_GET_INFO, s.buf, 'VFIO_DEVICE_GET_INFO', address);
  return s.read();
}
