// Reads the classic libpcap files QEMU's filter-dump writes (one per NIC, both directions),
// so a scenario can count what really crossed the wire; writes pcap files for nicdl to send.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC_US = 0xa1b2c3d4; // microsecond timestamps, our byte order
const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** [{ timeUs, data, originalLength }] in capture order. */
export function readPcap(path) {
  const buf = readFileSync(path);
  if (buf.length < GLOBAL_HEADER_BYTES) return [];
  const le = buf.readUInt32LE(0) === MAGIC_US;
  if (!le && buf.readUInt32BE(0) !== MAGIC_US) throw new Error(`${path}: not a pcap file`);
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const records = [];
  for (let off = GLOBAL_HEADER_BYTES; off + RECORD_HEADER_BYTES <= buf.length;) {
    const inclLen = u32(off + 8);
    const start = off + RECORD_HEADER_BYTES;
    if (start + inclLen > buf.length) break; // a record still being written
    records.push({
      timeUs: u32(off) * 1e6 + u32(off + 4),
      data: buf.subarray(start, start + inclLen),
      originalLength: u32(off + 12),
    });
    off = start + inclLen;
  }
  return records;
}

const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
const SNAPLEN = 65535;
const LINKTYPE_ETHERNET = 1;

/** Writes frames as a classic little-endian pcap file (what `nicdl send --pcap` reads). */
export function writePcap(path, frames) {
  const header = Buffer.alloc(GLOBAL_HEADER_BYTES);
  header.writeUInt32LE(MAGIC_US, 0);
  header.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
  header.writeUInt16LE(PCAP_VERSION_MINOR, 6);
  header.writeUInt32LE(SNAPLEN, 16);
  header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  const parts = [header];
  frames.forEach((frame, i) => {
    const record = Buffer.alloc(RECORD_HEADER_BYTES);
    record.writeUInt32LE(i, 4); // timestamps: one microsecond apart, in order
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    parts.push(record, frame);
  });
  writeFileSync(path, Buffer.concat(parts));
}
