/**
 * Opening a device by backend. Drivers and the CLI call these, never the backends'
 * internals. (The device twin's `openSimDevice` lives in runtime/sim.)
 */
export { openVfioDevice, type VfioOpenOptions } from './vfio/open-device.js';
