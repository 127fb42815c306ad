// Finds the Debian guest kernel installed on this machine and turns its bzImage into the
// uncompressed ELF `vmlinux`. QEMU boots that ELF through its PVH entry point (the kernel
// is built with CONFIG_PVH), which skips the in-guest decompression: under TCG that halves
// the boot time (~2 s instead of ~4 s, hardware.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const BOOT_DIR = '/boot';
const MODULES_ROOT = '/lib/modules';

// Linux x86 boot protocol (Documentation/arch/x86/boot.rst), offsets into the bzImage.
const SETUP_SECTS_OFFSET = 0x1f1; // u8: number of 512-byte setup sectors after the boot sector
const DEFAULT_SETUP_SECTS = 4; // "if 0, the real value is 4"
const HEADER_MAGIC_OFFSET = 0x202; // "HdrS"
const VERSION_OFFSET = 0x206; // u16 boot protocol version
const PAYLOAD_OFFSET_OFFSET = 0x248; // u32, relative to the protected-mode code (protocol 2.08+)
const PAYLOAD_LENGTH_OFFSET = 0x24c; // u32
const MIN_PAYLOAD_PROTOCOL = 0x0208;
const SECTOR_BYTES = 512;
// The compressed payload ends with the decompressed size as u32 little endian; the kernel's
// own decompressor reads it, and so do we to check that nothing was truncated.
const SIZE_TRAILER_BYTES = 4;

/** Compares Debian kernel versions like `6.1.0-56-amd64` numerically, part by part. */
export function compareKernelVersions(a, b) {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = Number(x);
    const ny = Number(y);
    const c =
      Number.isInteger(nx) && Number.isInteger(ny) && x !== '' && y !== ''
        ? nx - ny
        : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * The newest installed kernel that has both an image in /boot and a modules.dep, or the
 * one named by NICDL_E2E_KERNEL. The host's running kernel is irrelevant: the guest boots
 * the packaged one (linux-image-amd64).
 */
export function findGuestKernel(env = process.env) {
  const wanted = env.NICDL_E2E_KERNEL;
  const candidates = existsSync(BOOT_DIR)
    ? readdirSync(BOOT_DIR)
        .filter((f) => f.startsWith('vmlinuz-'))
        .map((f) => f.slice('vmlinuz-'.length))
        .filter((v) => existsSync(join(MODULES_ROOT, v, 'modules.dep')))
    : [];
  const version = wanted ?? candidates.sort(compareKernelVersions).at(-1);
  if (!version || !candidates.includes(version)) {
    throw new Error(
      `no guest kernel: need /boot/vmlinuz-VERSION and ${MODULES_ROOT}/VERSION/modules.dep` +
        ` (apt-get install linux-image-amd64)${wanted ? `; NICDL_E2E_KERNEL=${wanted} not found` : ''}`,
    );
  }
  return {
    version,
    image: join(BOOT_DIR, `vmlinuz-${version}`),
    modulesDir: join(MODULES_ROOT, version),
  };
}

/** Locates the compressed kernel inside a bzImage through the boot protocol header. */
export function bzImagePayload(bz) {
  if (bz.toString('latin1', HEADER_MAGIC_OFFSET, HEADER_MAGIC_OFFSET + 4) !== 'HdrS') {
    throw new Error('not a bzImage: no HdrS boot header');
  }
  const protocol = bz.readUInt16LE(VERSION_OFFSET);
  if (protocol < MIN_PAYLOAD_PROTOCOL) {
    throw new Error(`boot protocol ${protocol.toString(16)} has no payload_offset field`);
  }
  const setupSects = bz[SETUP_SECTS_OFFSET] || DEFAULT_SETUP_SECTS;
  const start = (setupSects + 1) * SECTOR_BYTES + bz.readUInt32LE(PAYLOAD_OFFSET_OFFSET);
  const length = bz.readUInt32LE(PAYLOAD_LENGTH_OFFSET);
  if (start + length > bz.length) throw new Error('bzImage payload runs past the end of the file');
  const payload = bz.subarray(start, start + length);
  return { payload, expectedBytes: payload.readUInt32LE(payload.length - SIZE_TRAILER_BYTES) };
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * Decompresses with an external tool that may complain about the size trailer after the
 * stream ("unexpected end of input" from xz): the output length, checked against the
 * trailer, is what decides success.
 */
function decompressWith(tool, args, payload) {
  const r = spawnSync(tool, args, { input: payload, maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`cannot run ${tool} to unpack the kernel: ${r.error.message}`);
  return r.stdout;
}

export function decompressPayload(payload) {
  const starts = (magic) => payload.subarray(0, magic.length).equals(magic);
  if (starts(XZ_MAGIC)) return decompressWith('xz', ['-dc'], payload);
  if (starts(ZSTD_MAGIC)) return decompressWith('zstd', ['-dcq'], payload);
  if (starts(GZIP_MAGIC))
    return gunzipSync(payload.subarray(0, payload.length - SIZE_TRAILER_BYTES));
  throw new Error(`unknown kernel compression, magic ${payload.subarray(0, 6).toString('hex')}`);
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const XEN_PVH_NOTE_TYPE = 18; // XEN_ELFNOTE_PHYS32_ENTRY, the PVH entry point QEMU looks for
const PT_NOTE = 4; // ELF program header type of a notes segment
// ELF64 header and program header field offsets (System V gABI).
const E_PHOFF = 0x20;
const E_PHENTSIZE = 0x36;
const E_PHNUM = 0x38;
const P_OFFSET = 8;
const P_FILESZ = 32;
const NOTE_HEADER_BYTES = 12; // namesz, descsz, type

/** Writes the uncompressed ELF kernel; throws unless it is complete and has a PVH entry. */
export function extractVmlinux(imagePath, outPath) {
  const { payload, expectedBytes } = bzImagePayload(readFileSync(imagePath));
  const elf = decompressPayload(payload);
  if (elf.length !== expectedBytes) {
    throw new Error(`kernel unpacked to ${elf.length} bytes, header says ${expectedBytes}`);
  }
  if (!elf.subarray(0, 4).equals(ELF_MAGIC)) throw new Error('unpacked kernel is not an ELF file');
  if (!hasPvhNote(elf)) throw new Error('kernel has no PVH entry note (CONFIG_PVH)');
  writeFileSync(outPath, elf);
}

function hasPvhNote(elf) {
  // readelf (binutils) is not among the packages we install; scan the notes ourselves.
  const phoff = Number(elf.readBigUInt64LE(E_PHOFF));
  const phentsize = elf.readUInt16LE(E_PHENTSIZE);
  const phnum = elf.readUInt16LE(E_PHNUM);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (elf.readUInt32LE(ph) !== PT_NOTE) continue;
    let off = Number(elf.readBigUInt64LE(ph + P_OFFSET));
    const end = off + Number(elf.readBigUInt64LE(ph + P_FILESZ));
    while (off + NOTE_HEADER_BYTES <= end) {
      const namesz = elf.readUInt32LE(off);
      const descsz = elf.readUInt32LE(off + 4);
      const type = elf.readUInt32LE(off + 8);
      const nameStart = off + NOTE_HEADER_BYTES;
      const name = elf.toString('latin1', nameStart, nameStart + namesz).replace(/\0+$/, '');
      if (name === 'Xen' && type === XEN_PVH_NOTE_TYPE) return true;
      off = nameStart + align4(namesz) + align4(descsz);
    }
  }
  return false;
}

const align4 = (n) => (n + 3) & ~3;
