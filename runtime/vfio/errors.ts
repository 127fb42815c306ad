/**
 * Turns the errno of a VFIO open or ioctl into the one-line typed error a user can act on.
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { errnoName } from '../native.js';
import { busyError, noVfioError, permissionError } from '../pci/errors.js';
import { constants as osConstants } from 'node:os';

const { ENOENT, EACCES, EPERM, EBUSY, ENOTTY, ENODEV } = osConstants.errno;

/** Opening a /dev/vfio node failed with `errno`. */
export function openError(path: string, errno: number, address: string): NicdlError {
  if (errno === ENOENT || errno === ENODEV) return noVfioError(`${path} does not exist`);
  if (errno === EACCES || errno === EPERM) return permissionError(path);
  if (errno === EBUSY)
    return busyError(
      address,
      `${path} is already open (another nicdl, DPDK or a VM is using the device)`,
    );
  return ioctlError(`open ${path}`, errno, address);
}

/** Any other failed VFIO call: name the call and the errno. */
export function ioctlError(what: string, errno: number, address: string): NicdlError {
  if (errno === EBUSY)
    return busyError(address, `${what} failed with EBUSY (the device is in use)`);
  if (errno === EACCES || errno === EPERM) {
    return new NicdlError(
      'E_PERMISSION',
      `${what} on ${address} was refused (${errnoName(errno)}): run as root`,
      ExitCode.permission,
      {
        address,
      },
    );
  }
  if (errno === ENOTTY) {
    return new NicdlError(
      'E_NO_VFIO',
      `${what}: not a VFIO device node (ENOTTY); is vfio-pci loaded?`,
      ExitCode.noVfio,
      { address },
    );
  }
  return new NicdlError(
    'E_VFIO',
    `${what} on ${address} failed: ${errnoName(errno)}`,
    ExitCode.deviceFault,
    {
      address,
      errno: errnoName(errno),
    },
  );
}

/** The handle was used after close(). */
export function closedError(address: string, what: string): NicdlError {
  return new NicdlError(
    'E_CLOSED',
    `${address}: ${what} after the device was closed`,
    ExitCode.usage,
    { address },
  );
}
