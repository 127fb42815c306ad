/**
 * The checksum verdict for a received frame. With RXCSUM.IPOFLD/TUOFLD the device checks
 * IPv4 header and TCP/UDP checksums and reports it in the last descriptor (8254x SDM
 * §3.2.9, §3.2.3.1-2): IPCS / TCPCS say it computed them, IPE / TCPE that they were
 * wrong, IXSM that it computed nothing. Where the device computed nothing (offload off,
 * or a device or emulator that ignores RXCSUM), software checks the frame instead, so a
 * caller sees the same verdict either way; 'none' only when there is nothing to check
 * (not IPv4, a fragment, UDP without checksum, another protocol).
 */
import type { ChecksumStatus, RxMeta } from '../../runtime/nic.js';
import {
  createIpv4Layout,
  ipv4Offset,
  parseIpv4,
  udpChecksumAbsent,
} from '../../runtime/packet/headers.js';
import { ipv4HeaderChecksumOk, l4ChecksumOk } from '../../runtime/packet/checksum.js';
import {
  ETH_HEADER_BYTES,
  ETH_TYPE_OFFSET,
  ETHERTYPE_IPV4,
  ETHERTYPE_VLAN,
} from '../../runtime/packet/ethernet.js';
import { RxLegacyBits } from './generated/index.js';

const STATUS = RxLegacyBits.status;
// Module-local copies for the per-frame EtherType check: optimized code re-reads an
// imported binding (with its TDZ check) at every use; a local const costs less (~1.3 ns
// a frame in bench/driver.bench.ts rx b32 64 B).
const HEADER_BYTES = ETH_HEADER_BYTES;
const TYPE_OFFSET = ETH_TYPE_OFFSET;
const TYPE_IPV4 = ETHERTYPE_IPV4;
const TYPE_VLAN = ETHERTYPE_VLAN;
const ERRORS = RxLegacyBits.errors;

export class RxChecksum {
  private readonly layout = createIpv4Layout();
  /** Frames the device judged, frames software judged, bad checksums found either way. */
  hardwareVerdicts = 0;
  softwareVerdicts = 0;
  ipBad = 0;
  l4Bad = 0;

  /** Fill meta.ipChecksum / meta.l4Checksum from the descriptor's `status` and `errors`. */
  judge(status: number, errors: number, frame: Uint8Array, meta: RxMeta): void {
    if ((status & STATUS.IXSM) === 0) {
      this.fromDevice(status, errors, meta);
    } else if (mayCarryIpv4(frame) && ipv4Offset(frame) >= 0) {
      this.inSoftware(frame, meta);
    } else if (meta.ipChecksum !== 'none' || meta.l4Checksum !== 'none') {
      // Stored only when it changes: the reused meta usually says so already, and a
      // string store costs a write barrier each (~0.4 ns a frame, rx b32 64 B).
      meta.ipChecksum = 'none';
      meta.l4Checksum = 'none';
    }
  }

  /** The device's verdict (§3.2.3.1-2): computed bits, then the matching error bits. */
  private fromDevice(status: number, errors: number, meta: RxMeta): void {
    const ip: ChecksumStatus = status & STATUS.IPCS ? (errors & ERRORS.IPE ? 'bad' : 'ok') : 'none';
    const l4: ChecksumStatus =
      status & STATUS.TCPCS ? (errors & ERRORS.TCPE ? 'bad' : 'ok') : 'none';
    if (ip !== 'none' || l4 !== 'none') this.hardwareVerdicts++;
    this.record(ip, l4, meta);
  }

  /** Software's verdict on an IPv4 frame the device did not check. */
  private inSoftware(frame: Uint8Array, meta: RxMeta): void {
    const t = this.layout;
    let ip: ChecksumStatus = 'none';
    let l4: ChecksumStatus = 'none';
    if (parseIpv4(frame, t)) {
      ip = ipv4HeaderChecksumOk(frame, t.ipOffset, t.ipHeaderBytes) ? 'ok' : 'bad';
      if (t.l4ChecksumOffset >= 0 && !udpChecksumAbsent(frame, t))
        l4 = l4ChecksumOk(frame, t) ? 'ok' : 'bad';
      this.softwareVerdicts++;
    }
    this.record(ip, l4, meta);
  }

  private record(ip: ChecksumStatus, l4: ChecksumStatus, meta: RxMeta): void {
    if (ip === 'bad') this.ipBad++;
    if (l4 === 'bad') this.l4Bad++;
    meta.ipChecksum = ip;
    meta.l4Checksum = l4;
  }
}

/**
 * Whether the EtherType is IPv4 or a VLAN tag: only then can ipv4Offset() find an IPv4
 * header. It runs on every frame the device did not check (most frames on a device or
 * emulator without RX checksum offload), so it is kept to a few loads of local constants;
 * ipv4Offset() and its imported constants cost ~2.5 ns a frame more here (rx b32 64 B).
 */
function mayCarryIpv4(frame: Uint8Array): boolean {
  if (frame.length < HEADER_BYTES) return false;
  const type = (frame[TYPE_OFFSET] << 8) | frame[TYPE_OFFSET + 1];
  return type === TYPE_IPV4 || type === TYPE_VLAN;
}
