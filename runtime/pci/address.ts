/**
 * PCI addresses as the kernel names them in sysfs: domain:bus:device.function, all hex,
 * e.g. "0000:00:02.0". Users may leave out the domain ("00:02.0" means domain 0000).
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';

/** Device numbers are 5 bits (0x00–0x1f), function numbers 3 bits (PCI Local Bus spec). */
const ADDRESS = /^(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([01][0-9a-f])\.([0-7])$/i;

/** The canonical sysfs form of `text`, or NicdlError E_BAD_ADDRESS. */
export function parsePciAddress(text: string): string {
  const m = ADDRESS.exec(text.trim());
  if (!m) {
    throw new NicdlError(
      'E_BAD_ADDRESS',
      `'${text}' is not a PCI address; expected DOMAIN:BUS:DEVICE.FUNCTION in hex, e.g. 0000:00:02.0`,
      ExitCode.usage,
      { address: text },
    );
  }
  const [, domain = '0000', bus, device, fn] = m;
  return `${domain}:${bus}:${device}.${fn}`.toLowerCase();
}
