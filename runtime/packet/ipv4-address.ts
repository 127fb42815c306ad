/** IPv4 addresses as 32-bit unsigned numbers, and their dotted-quad text. */
import { ExitCode, NicdlError } from '../../spec/errors.js';

const OCTET_MAX = 255;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** "10.0.2.15" → 0x0a00020f; throws E_BAD_IP naming the input. */
export function parseIpv4Address(text: string): number {
  const m = DOTTED_QUAD.exec(text.trim());
  const octets = m ? [m[1], m[2], m[3], m[4]].map(Number) : [];
  if (!m || octets.some((o) => o > OCTET_MAX)) {
    throw new NicdlError(
      'E_BAD_IP',
      `'${text}' is not an IPv4 address (expected four numbers 0-255 like 10.0.2.2)`,
      ExitCode.usage,
      {
        input: text,
      },
    );
  }
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

export function formatIpv4Address(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** Whether `a` and `b` share the first `prefixBits` bits (same subnet). */
export function sameSubnet(a: number, b: number, prefixBits: number): boolean {
  if (prefixBits <= 0) return true;
  const mask = prefixBits >= 32 ? 0xffff_ffff : ~(0xffff_ffff >>> prefixBits) >>> 0;
  return ((a ^ b) & mask) === 0;
}
