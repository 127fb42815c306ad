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
import { createIpv4Layout, parseIpv4, udpChecksumAbsent } from '../../runtime/packet/headers.js';
import { ipv4HeaderChecksumOk, l4ChecksumOk } from '../../runtime/packet/checksum.js';
import { RxLegacyBits } from './generated/index.js';

const STATUS = RxLegacyBits.status;
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
    let ip: ChecksumStatus = 'none';
    let l4: ChecksumStatus = 'none';
    if ((status & STATUS.IXSM) === 0) {
      if (status & STATUS.IPCS) ip = errors & ERRORS.IPE ? 'bad' : 'ok';
      if (status & STATUS.TCPCS) l4 = errors & ERRORS.TCPE ? 'bad' : 'ok';
      if ((status & (STATUS.IPCS | STATUS.TCPCS)) !== 0) this.hardwareVerdicts++;
    } else if (parseIpv4(frame, this.layout)) {
      ip = ipv4HeaderChecksumOk(frame, this.layout.ipOffset, this.layout.ipHeaderBytes)
        ? 'ok'
        : 'bad';
      if (this.layout.l4ChecksumOffset >= 0 && !udpChecksumAbsent(frame, this.layout))
        l4 = l4ChecksumOk(frame, this.layout) ? 'ok' : 'bad';
      this.softwareVerdicts++;
    }
    if (ip === 'bad') this.ipBad++;
    if (l4 === 'bad') this.l4Bad++;
    meta.ipChecksum = ip;
    meta.l4Checksum = l4;
  }
}
