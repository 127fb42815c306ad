/** Network byte order (big-endian) loads and stores on byte arrays, without DataView allocation. */

export function readU16(b: Uint8Array, offset: number): number {
  return (b[offset] << 8) | b[offset + 1];
}

export function writeU16(b: Uint8Array, offset: number, value: number): void {
  b[offset] = (value >>> 8) & 0xff;
  b[offset + 1] = value & 0xff;
}

export function readU32(b: Uint8Array, offset: number): number {
  return ((b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3]) >>> 0;
}

export function writeU32(b: Uint8Array, offset: number, value: number): void {
  b[offset] = (value >>> 24) & 0xff;
  b[offset + 1] = (value >>> 16) & 0xff;
  b[offset + 2] = (value >>> 8) & 0xff;
  b[offset + 3] = value & 0xff;
}
