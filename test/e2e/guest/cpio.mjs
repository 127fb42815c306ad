// A writer for the "newc" cpio format, the only one the kernel unpacks into its initramfs
// (Documentation/driver-api/early-userspace/buffer-format.rst). Written in Node so the
// archive needs no staging tree on disk and can hold device nodes without root.
const NEWC_MAGIC = '070701';
const HEADER_BYTES = 110; // magic + 13 eight-digit hex fields
const ALIGN = 4; // names and data are padded to 4-byte boundaries
const TRAILER = 'TRAILER!!!';

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

/** Collects entries in order (parents before children) and serialises them. */
export class CpioWriter {
  #chunks = [];
  #ino = 1;
  #names = new Set();

  dir(name, mode = 0o755) {
    return this.#entry(name, S_IFDIR | mode, Buffer.alloc(0));
  }

  file(name, data, mode = 0o644) {
    return this.#entry(name, S_IFREG | mode, Buffer.isBuffer(data) ? data : Buffer.from(data));
  }

  symlink(name, target) {
    return this.#entry(name, S_IFLNK | 0o777, Buffer.from(target));
  }

  charDevice(name, major, minor, mode = 0o600) {
    return this.#entry(name, S_IFCHR | mode, Buffer.alloc(0), { major, minor });
  }

  /** Adds `dir` and every missing parent of it. */
  dirs(path) {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      if (!this.#names.has(p)) this.dir(p);
    }
    return this;
  }

  has(name) {
    return this.#names.has(name);
  }

  /** The archive, ending with the TRAILER!!! entry the format requires. */
  toBuffer() {
    const trailer = header(TRAILER, 0, 0, 0, { major: 0, minor: 0 }, 1);
    return Buffer.concat([...this.#chunks, trailer]);
  }

  #entry(name, mode, data, dev = { major: 0, minor: 0 }) {
    const clean = name.replace(/^\/+/, '');
    if (this.#names.has(clean)) throw new Error(`cpio: duplicate entry ${clean}`);
    this.#names.add(clean);
    this.#chunks.push(
      header(clean, mode, data.length, this.#ino++, dev, (mode & S_IFDIR) === S_IFDIR ? 2 : 1),
    );
    this.#chunks.push(data, padding(data.length));
    return this;
  }
}

function header(name, mode, size, ino, dev, nlink) {
  const nameBytes = Buffer.from(name + '\0');
  const fields = [
    ino,
    mode,
    0 /* uid */,
    0 /* gid */,
    nlink,
    0 /* mtime: reproducible */,
    size,
    0,
    0 /* dev major, minor */,
    dev.major,
    dev.minor,
    nameBytes.length,
    0 /* check */,
  ];
  const text = NEWC_MAGIC + fields.map((f) => f.toString(16).padStart(8, '0')).join('');
  return Buffer.concat([
    Buffer.from(text, 'latin1'),
    nameBytes,
    padding(HEADER_BYTES + nameBytes.length),
  ]);
}

const padding = (n) => Buffer.alloc((ALIGN - (n % ALIGN)) % ALIGN);
