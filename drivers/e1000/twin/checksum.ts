/**
 * The checksums the e1000 computes: the Internet ones'-complement checksum (RFC 1071)
 * for IP/TCP/UDP offload, and the Ethernet CRC-32 (IEEE 802.3 §3.2.9) it appends when
 * RCTL.SECRC leaves the CRC in received buffers.
 */

const CRC32_POLY_REFLECTED = 0xedb88320;
const BYTE_VALUES = 256;

const CRC_TABLE = (() => {
  const table = new Uint32Array(BYTE_VALUES);
  for (let n = 0; n < BYTE_VALUES; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC32_POLY_REFLECTED ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of bytes[start, start+length), as the FCS is computed (reflected, inverted). */
export function crc32(bytes: Uint8Array, start: number, length: number): number {
  let c = 0xffff_ffff;
  for (let i = start; i < start + length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffff_ffff) >>> 0;
}

/**
 * Ones'-complement sum of the big-endian 16-bit words in bytes[start, end), added to
 * `seed`; an odd trailing byte counts as its high half. Not folded: see foldSum().
 */
export function onesSum(bytes: Uint8Array, start: number, end: number, seed = 0): number {
  let sum = seed;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  return sum;
}

/** Fold a sum to 16 bits with end-around carry. */
export function foldSum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum to store: the complement of the folded sum. */
export function finishChecksum(sum: number): number {
  return ~foldSum(sum) & 0xffff;
}
