/** What can be chosen when opening an 82574L twin, with the defaults and why. */

export interface E1000eTwinOptions {
  /** Station address in the NVM and RAL0/RAH0. Default 52:54:00:12:34:56 (QEMU's). */
  mac?: Uint8Array | string;
  /** Link state at power-on (QEMU: up). Change it later with E1000eTwin.setLink(). */
  linkUp?: boolean;
  /**
   * MSI-X enabled, as if software had enabled the function's MSI-X capability: queue
   * causes go to the vectors IVAR names (E1000eTwin.vector(n)) instead of the single
   * interrupt. Default false (INTx/MSI, what nicdl's VFIO backend sets up).
   */
  msix?: boolean;
  /**
   * What CTRL.RST does. 'datasheet' (default): every MAC register returns to its reset
   * value and RAL0/RAH0 are reloaded from the NVM. 'qemu': RST only clears itself, as QEMU
   * 7.2's e1000e does (it reloads the MAC address and nothing else).
   */
  resetModel?: 'datasheet' | 'qemu';
  /** How long CTRL.RST stays set, in microseconds of device time. Default 1. */
  resetDelayUs?: number;
}

/** Intel, 82574L (what QEMU's `-device e1000e` is). */
export const E1000E_82574L_DEVICE_ID = 0x10d3;
