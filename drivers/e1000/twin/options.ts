/** What can be chosen when opening an e1000 twin, with the defaults and why. */
import { ExitCode, NicdlError } from '../../../spec/errors.js';

export interface E1000TwinOptions {
  /** Station address in the EEPROM and RAL0/RAH0. Default 52:54:00:12:34:56 (QEMU's). */
  mac?: Uint8Array | string;
  /** PCI ids written into the EEPROM. Default 8086:100E (82540EM), subsystem the same. */
  vendorId?: number;
  deviceId?: number;
  subsystemVendorId?: number;
  subsystemDeviceId?: number;
  /** Link state at power-on (QEMU: up). Change it later with E1000Twin.setLink(). */
  linkUp?: boolean;
  /**
   * After every RCTL write, hold received frames for this many microseconds of device
   * time, then deliver them — QEMU 7.2 does this for 1 s. Default 1 000 000; 0 turns the
   * quirk off. On by default so that drivers tested on the twin also work under QEMU.
   */
  rctlQuietUs?: number;
  /** Frames held during that window; further ones are dropped. Default 256. */
  heldFrames?: number;
  /**
   * What CTRL.RST does. 'datasheet' (default): every MAC register returns to its reset
   * value and RAL0/RAH0 are reloaded from the EEPROM (§13.4.1). 'qemu': RST only clears
   * itself and nothing else is reset, as QEMU 7.2 behaves.
   */
  resetModel?: 'datasheet' | 'qemu';
  /** How long CTRL.RST stays set, in microseconds of device time. Default 1 (§13.4.1). */
  resetDelayUs?: number;
  /**
   * Null device, for benchmarks: transmit descriptors complete at once without reading
   * or sending their data; every buffer handed over with RDT is completed at once with
   * a frame of `rxFrameBytes` (default 60) whose data is never written.
   */
  nullDevice?: boolean | { rxFrameBytes?: number };
}

export const DEFAULT_MAC = '52:54:00:12:34:56';
export const DEFAULT_RCTL_QUIET_US = 1_000_000;
export const DEFAULT_HELD_FRAMES = 256;
export const DEFAULT_RESET_DELAY_US = 1;
export const DEFAULT_NULL_RX_FRAME_BYTES = 60;
/** Intel, 82540EM (what QEMU's `-device e1000` is). */
export const INTEL_VENDOR_ID = 0x8086;
export const E1000_82540EM_DEVICE_ID = 0x100e;

const MAC_BYTES = 6;

/** Parse "aa:bb:cc:dd:ee:ff" (or take 6 bytes as they are). */
export function parseMac(mac: Uint8Array | string): Uint8Array {
  if (typeof mac !== 'string') {
    if (mac.length !== MAC_BYTES) throw badMac(`${mac.length} bytes`);
    return Uint8Array.from(mac);
  }
  const parts = mac.split(/[:-]/);
  if (parts.length !== MAC_BYTES || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) {
    throw badMac(`"${mac}"`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

function badMac(what: string): NicdlError {
  return new NicdlError(
    'E_BAD_MAC',
    `${what} is not a MAC address: expected six hex bytes such as 52:54:00:12:34:56`,
    ExitCode.usage,
  );
}
