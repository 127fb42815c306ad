/**
 * The classic libpcap file format (pcap-savefile(5)): a 24-byte global header, then per
 * frame a 16-byte record header (seconds, micro- or nanoseconds, captured length,
 * original length) and the captured bytes. We write little-endian, microsecond files
 * with link type Ethernet; we read either byte order and either time resolution.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { ExitCode, NicdlError } from '../../spec/errors.js';

export const PCAP_GLOBAL_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;
/** Magic numbers as read little-endian: microsecond and nanosecond timestamps. */
const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
const MAGIC_MICROS_SWAPPED = 0xd4c3b2a1;
const MAGIC_NANOS_SWAPPED = 0x4d3cb2a1;
const VERSION_MAJOR = 2;
const VERSION_MINOR = 4;
/** LINKTYPE_ETHERNET (tcpdump.org link-layer header types). */
export const LINKTYPE_ETHERNET = 1;
/** Largest frame a capture keeps whole (what tcpdump uses by default). */
export const PCAP_SNAPLEN = 262_144;
const US_PER_S = 1_000_000;
const NS_PER_US = 1000;

export interface PcapRecord {
  /** Capture time in microseconds since the Unix epoch. */
  timestampUs: number;
  /** The captured bytes (may be shorter than `originalLength` when truncated at capture). */
  data: Uint8Array;
  originalLength: number;
}

/** Writes frames to a pcap file as they come (one write per frame; synchronous). */
export class PcapWriter {
  private fd: number;
  private readonly record = new Uint8Array(PCAP_RECORD_HEADER_BYTES);
  private readonly recordView = new DataView(this.record.buffer);
  frames = 0;

  constructor(
    readonly path: string,
    readonly linkType = LINKTYPE_ETHERNET,
  ) {
    try {
      this.fd = openSync(path, 'w');
    } catch (e) {
      throw pcapError(
        'E_PCAP_WRITE',
        `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        path,
      );
    }
    const header = new Uint8Array(PCAP_GLOBAL_HEADER_BYTES);
    const v = new DataView(header.buffer);
    v.setUint32(0, MAGIC_MICROS, true);
    v.setUint16(4, VERSION_MAJOR, true);
    v.setUint16(6, VERSION_MINOR, true);
    // 8: thiszone and 12: sigfigs stay 0 (UTC, as every modern writer does)
    v.setUint32(16, PCAP_SNAPLEN, true);
    v.setUint32(20, linkType, true);
    writeSync(this.fd, header);
  }

  write(frame: Uint8Array, timestampUs = Date.now() * 1000): void {
    const v = this.recordView;
    const seconds = Math.floor(timestampUs / US_PER_S);
    v.setUint32(0, seconds, true);
    v.setUint32(4, Math.floor(timestampUs - seconds * US_PER_S), true);
    const captured = Math.min(frame.length, PCAP_SNAPLEN);
    v.setUint32(8, captured, true);
    v.setUint32(12, frame.length, true);
    writeSync(this.fd, this.record);
    writeSync(this.fd, frame, 0, captured);
    this.frames++;
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Write all `frames` to `path` (timestamps from `timestampsUs`, else now). */
export function writePcap(
  path: string,
  frames: readonly Uint8Array[],
  timestampsUs?: readonly number[],
): void {
  const w = new PcapWriter(path);
  try {
    frames.forEach((f, i) => w.write(f, timestampsUs?.[i]));
  } finally {
    w.close();
  }
}

/** Every record of a pcap file; E_PCAP_NOT_FOUND, E_PCAP_FORMAT name the file and the problem. */
export function readPcap(path: string): { linkType: number; records: PcapRecord[] } {
  if (!existsSync(path))
    throw pcapError('E_PCAP_NOT_FOUND', `${path}: no such pcap file`, path, ExitCode.notFound);
  return parsePcap(readFileSync(path), path);
}

export function parsePcap(
  bytes: Uint8Array,
  path = '<pcap>',
): { linkType: number; records: PcapRecord[] } {
  if (bytes.length < PCAP_GLOBAL_HEADER_BYTES)
    throw pcapError(
      'E_PCAP_FORMAT',
      `${path}: ${bytes.length} bytes is too short for a pcap file`,
      path,
    );
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = v.getUint32(0, true);
  const little = magic === MAGIC_MICROS || magic === MAGIC_NANOS;
  if (!little && magic !== MAGIC_MICROS_SWAPPED && magic !== MAGIC_NANOS_SWAPPED) {
    const hint = magic === 0x0a0d0d0a ? ' (this is pcapng: convert it with `editcap -F pcap`)' : '';
    throw pcapError(
      'E_PCAP_FORMAT',
      `${path}: not a pcap file (magic 0x${magic.toString(16).padStart(8, '0')})${hint}`,
      path,
    );
  }
  const nanos = magic === MAGIC_NANOS || magic === MAGIC_NANOS_SWAPPED;
  const linkType = v.getUint32(20, little) & 0x0fff_ffff; // upper bits: FCS length flags
  if (linkType !== LINKTYPE_ETHERNET)
    throw pcapError(
      'E_PCAP_FORMAT',
      `${path}: link type ${linkType} is not Ethernet (${LINKTYPE_ETHERNET})`,
      path,
    );
  const records: PcapRecord[] = [];
  let at = PCAP_GLOBAL_HEADER_BYTES;
  while (at < bytes.length) {
    if (at + PCAP_RECORD_HEADER_BYTES > bytes.length) throw truncated(path, records.length);
    const seconds = v.getUint32(at, little);
    const fraction = v.getUint32(at + 4, little);
    const captured = v.getUint32(at + 8, little);
    const originalLength = v.getUint32(at + 12, little);
    at += PCAP_RECORD_HEADER_BYTES;
    if (at + captured > bytes.length) throw truncated(path, records.length);
    records.push({
      timestampUs: seconds * US_PER_S + (nanos ? Math.floor(fraction / NS_PER_US) : fraction),
      data: bytes.slice(at, at + captured),
      originalLength,
    });
    at += captured;
  }
  return { linkType, records };
}

function truncated(path: string, index: number): NicdlError {
  return pcapError('E_PCAP_FORMAT', `${path}: record ${index + 1} is truncated`, path);
}

function pcapError(
  code: string,
  message: string,
  path: string,
  exitCode: (typeof ExitCode)[keyof typeof ExitCode] = ExitCode.usage,
): NicdlError {
  return new NicdlError(code, message, exitCode, { path });
}
