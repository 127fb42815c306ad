/**
 * MAC addresses: parsing the text forms users type and formatting the canonical one
 * ("52:54:00:12:34:56", lower case, colons).
 */
import { ExitCode, NicdlError } from '../../spec/errors.js';

export const MAC_BYTES = 6;
export const BROADCAST_MAC: Readonly<Uint8Array> = new Uint8Array(MAC_BYTES).fill(0xff);

/** Six hex octets separated by ':' or '-' (as `ip link` and Windows print them). */
const MAC_PATTERN =
  /^([0-9a-f]{1,2})([:-])([0-9a-f]{1,2})\2([0-9a-f]{1,2})\2([0-9a-f]{1,2})\2([0-9a-f]{1,2})\2([0-9a-f]{1,2})$/i;

/** Parse "52:54:00:12:34:56" (or with '-'); throws E_BAD_MAC naming the input. */
export function parseMac(text: string): Uint8Array {
  const m = MAC_PATTERN.exec(text.trim());
  if (!m) {
    throw new NicdlError(
      'E_BAD_MAC',
      `'${text}' is not a MAC address (expected six hex octets like 52:54:00:12:34:56)`,
      ExitCode.usage,
      {
        input: text,
      },
    );
  }
  const octets = [m[1], m[3], m[4], m[5], m[6], m[7]];
  return Uint8Array.from(octets, (o) => parseInt(o, 16));
}

/** The canonical text of the 6 bytes at `offset` of `bytes`. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  let s = '';
  for (let i = 0; i < MAC_BYTES; i++) {
    if (i) s += ':';
    s += bytes[offset + i].toString(16).padStart(2, '0');
  }
  return s;
}

/** Whether the 6 bytes at `offset` of `a` equal `mac`. */
export function macEquals(a: Uint8Array, offset: number, mac: Uint8Array): boolean {
  for (let i = 0; i < MAC_BYTES; i++) if (a[offset + i] !== mac[i]) return false;
  return true;
}

/** Group bit of the first octet (IEEE 802-2014 §8.2): multicast and broadcast addresses. */
export function isMulticastMac(bytes: Uint8Array, offset = 0): boolean {
  return (bytes[offset] & 0x01) !== 0;
}
