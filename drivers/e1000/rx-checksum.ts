/**
 * The checksum verdict for a received frame. With RXCSUM.IPOFLD/TUOFLD the device checks
 * IPv4 header and TCP/UDP checksums and reports it in the last descriptor (8254x SDM
 * §3.2.9, §3.2.3.1-2): IPCS / TCPCS say it computed them, IPE / TCPE that they were
 * wrong, IXSM that it computed nothing. Where the device computed nothing (offload off,
 * or a device or emulator that ignores RXCSUM), software checks the frame instead, so a
 * caller sees the same verdict either way; 'none' only when there is nothing to check
 * (not IPv4, a fragment, UDP without checksum, another protocol). A frame is judged when
 * its verdict is first read (rx-meta.ts), not as it arrives: with IXSM that is a software
 * check of the frame, two thirds of a 64-byte IPv4 frame's receive time on the null twin
 * (bench/README.md).
 */
import type { ChecksumStatus } from '../../runtime/nic.js';
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

/** Where judge() leaves a frame's verdict. */
export interface ChecksumVerdict {
  ip: ChecksumStatus;
  l4: ChecksumStatus;
}

/**
 * Status bits that carry the device's verdict. IXSM ("ignore checksum indication") set
 * means it computed nothing, whatever the other two say (§3.2.3.1).
 */
const DEVICE_VERDICT = STATUS.IPCS | STATUS.TCPCS;

export class RxChecksum {
  private readonly layout = createIpv4Layout();
  /**
   * Frames the device judged (counted as they arrive, as ethtool's hardware checksum
   * counters do); frames software judged (counted when a caller first reads the verdict of
   * a frame the device did not check: RxFrameMeta); bad checksums found either way.
   */
  hardwareVerdicts = 0;
  softwareVerdicts = 0;
  ipBad = 0;
  l4Bad = 0;

  /**
   * Count the device's verdict on a frame as it arrives: a few bit tests, so the counters
   * say what the device found whether or not anyone reads the frame's verdict.
   */
  countDevice(status: number, errors: number): void {
    if ((status & DEVICE_VERDICT) === 0 || (status & STATUS.IXSM) !== 0) return;
    this.hardwareVerdicts++;
    if ((status & STATUS.IPCS) !== 0 && (errors & ERRORS.IPE) !== 0) this.ipBad++;
    if ((status & STATUS.TCPCS) !== 0 && (errors & ERRORS.TCPE) !== 0) this.l4Bad++;
  }

  /**
   * The verdict on `frame` from its last descriptor's `status` and `errors` into `out`:
   * the device's where it computed one (counted already, by countDevice()), else
   * software's, counted here.
   */
  judge(status: number, errors: number, frame: Uint8Array, out: ChecksumVerdict): void {
    if ((status & STATUS.IXSM) === 0) {
      out.ip = status & STATUS.IPCS ? (errors & ERRORS.IPE ? 'bad' : 'ok') : 'none';
      out.l4 = status & STATUS.TCPCS ? (errors & ERRORS.TCPE ? 'bad' : 'ok') : 'none';
    } else if (mayCarryIpv4(frame) && ipv4Offset(frame) >= 0) {
      this.inSoftware(frame, out);
    } else {
      out.ip = 'none';
      out.l4 = 'none';
    }
  }

  /** Software's verdict on an IPv4 frame the device did not check. */
  private inSoftware(frame: Uint8Array, out: ChecksumVerdict): void {
    const t = this.layout;
    let ip: ChecksumStatus = 'none';
    let l4: ChecksumStatus = 'none';
    if (parseIpv4(frame, t)) {
      ip = ipv4HeaderChecksumOk(frame, t.ipOffset, t.ipHeaderBytes) ? 'ok' : 'bad';
      if (t.l4ChecksumOffset >= 0 && !udpChecksumAbsent(frame, t))
        l4 = l4ChecksumOk(frame, t) ? 'ok' : 'bad';
      this.softwareVerdicts++;
      if (ip === 'bad') this.ipBad++;
      if (l4 === 'bad') this.l4Bad++;
    }
    out.ip = ip;
    out.l4 = l4;
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
