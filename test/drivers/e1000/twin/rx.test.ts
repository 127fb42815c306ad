import { describe, expect, it } from 'vitest';
import {
  BROADCAST,
  CTRL_VME,
  ICR_BITS,
  PEER_MAC,
  R,
  RCTL_BITS,
  RX_ERRORS,
  RX_STATUS,
  TWIN_MAC,
  ethernet,
  fcsOf,
  frameTo,
  ipv4Frame,
  openTwin,
  setupRx,
} from './harness.js';

const BASE_RCTL = RCTL_BITS.EN | RCTL_BITS.BAM | RCTL_BITS.SECRC;

describe('e1000 twin: receive', () => {
  it('places a frame in the posted buffer and writes length, DD and EOP back', () => {
    const t = openTwin();
    const rx = setupRx(t);
    const frame = frameTo(TWIN_MAC, 200);
    expect(t.dev.receive(frame)).toBe('delivered');
    expect(rx.desc(0)).toMatchObject({
      length: 200,
      status: RX_STATUS.DD | RX_STATUS.EOP | RX_STATUS.IXSM,
      errors: 0,
    });
    expect(rx.data(0)).toEqual(frame);
    expect(t.rd(R.RDH)).toBe(1);
    expect(t.rd(R.ICR) & ICR_BITS.RXT0).toBe(ICR_BITS.RXT0);
  });

  it('fills slots in order and wraps around when software recycles them', () => {
    const t = openTwin();
    const rx = setupRx(t, { count: 8 });
    for (let i = 0; i < 80; i++) {
      const frame = frameTo(TWIN_MAC, 60 + i, i);
      expect(t.dev.receive(frame)).toBe('delivered');
      const slot = i % 8;
      expect(rx.desc(slot).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
      expect(rx.data(slot)).toEqual(frame);
      rx.recycle(slot);
    }
  });

  it('keeps the CRC in the buffer when RCTL.SECRC is clear', () => {
    const t = openTwin();
    const rx = setupRx(t, { rctl: RCTL_BITS.EN | RCTL_BITS.BAM });
    const frame = frameTo(TWIN_MAC, 100);
    t.dev.receive(frame);
    expect(rx.desc(0).length).toBe(104);
    const fcs = new DataView(rx.data(0).buffer).getUint32(100, true);
    expect(fcs).toBe(fcsOf(frame));
  });

  it('with no free buffer drops the frame and counts RNBC and MPC, raising RXO', () => {
    const t = openTwin();
    setupRx(t, { count: 8 });
    t.wr(R.RDT, 0); // hand nothing to the device
    expect(t.dev.receive(frameTo(TWIN_MAC, 100))).toBe('dropped:no-buffers');
    expect(t.rd(R.RNBC)).toBe(1);
    expect(t.rd(R.MPC)).toBe(1);
    expect(t.rd(R.ICR) & ICR_BITS.RXO).toBe(ICR_BITS.RXO);
  });

  it('needs RCTL.EN', () => {
    const t = openTwin();
    setupRx(t, { rctl: RCTL_BITS.BAM });
    expect(t.dev.receive(frameTo(TWIN_MAC, 100))).toBe('dropped:rx-disabled');
  });

  it('spreads a frame longer than one buffer over several descriptors, EOP on the last', () => {
    const t = openTwin();
    const rx = setupRx(t, { bufferBytes: 1024, rctl: BASE_RCTL | (1 << 16) }); // BSIZE = 1024
    const frame = frameTo(TWIN_MAC, 1514, 3);
    expect(t.dev.receive(frame)).toBe('delivered');
    expect(rx.desc(0)).toMatchObject({ length: 1024, status: RX_STATUS.DD });
    expect(rx.desc(1).length).toBe(490);
    expect(rx.desc(1).status & (RX_STATUS.DD | RX_STATUS.EOP)).toBe(RX_STATUS.DD | RX_STATUS.EOP);
    expect(new Uint8Array([...rx.data(0), ...rx.data(1)])).toEqual(frame);
  });

  it('drops frames over 1522 bytes as oversize (ROC) unless RCTL.LPE', () => {
    const t = openTwin();
    setupRx(t);
    const jumbo = frameTo(TWIN_MAC, 3000);
    expect(t.dev.receive(jumbo)).toBe('dropped:oversize');
    expect(t.rd(R.ROC)).toBe(1);
    expect(t.dev.receive(frameTo(TWIN_MAC, 1518))).toBe('delivered'); // 1522 with FCS: the limit
  });

  it('with LPE takes a jumbo frame over several 2048-byte buffers', () => {
    const t = openTwin();
    const rx = setupRx(t, { rctl: BASE_RCTL | RCTL_BITS.LPE });
    const jumbo = frameTo(TWIN_MAC, 9014, 5);
    expect(t.dev.receive(jumbo)).toBe('delivered');
    const lengths = [0, 1, 2, 3, 4].map((s) => rx.desc(s).length);
    expect(lengths).toEqual([2048, 2048, 2048, 2048, 822]);
    expect(rx.desc(4).status & RX_STATUS.EOP).toBe(RX_STATUS.EOP);
    expect(rx.desc(3).status & RX_STATUS.EOP).toBe(0);
    expect(new Uint8Array([0, 1, 2, 3, 4].flatMap((s) => [...rx.data(s)]))).toEqual(jumbo);
  });

  it('uses 16 KB buffers with BSEX and LPE', () => {
    const t = openTwin();
    const rx = setupRx(t, {
      bufferBytes: 16384,
      rctl: BASE_RCTL | RCTL_BITS.LPE | RCTL_BITS.BSEX | (1 << 16),
    });
    const jumbo = frameTo(TWIN_MAC, 9014);
    t.dev.receive(jumbo);
    expect(rx.desc(0)).toMatchObject({
      length: 9014,
      status: RX_STATUS.DD | RX_STATUS.EOP | RX_STATUS.IXSM,
    });
  });

  it('drops undersized frames (RUC)', () => {
    const t = openTwin();
    setupRx(t);
    expect(t.dev.receive(frameTo(TWIN_MAC, 40))).toBe('dropped:undersize');
    expect(t.rd(R.RUC)).toBe(1);
  });

  it('filters on the receive address with AV, and accepts everything in unicast promiscuous mode', () => {
    const t = openTwin();
    setupRx(t);
    const other = Uint8Array.from([0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
    expect(t.dev.receive(frameTo(other, 64))).toBe('dropped:address-filter');
    t.wr(R.RAH0, t.rd(R.RAH0) & 0xffff); // AV off: not even our own address matches
    expect(t.dev.receive(frameTo(TWIN_MAC, 64))).toBe('dropped:address-filter');
    t.wr(R.RAL0 + 8, 0xccbbaa02);
    t.wr(R.RAH0 + 8, 0xeedd | 0x8000_0000);
    expect(t.dev.receive(frameTo(other, 64))).toBe('delivered');
    t.wr(R.RCTL, BASE_RCTL | RCTL_BITS.UPE);
    expect(t.dev.receive(frameTo(Uint8Array.from([0x02, 9, 9, 9, 9, 9]), 64))).toBe('delivered');
  });

  it('takes broadcast only with BAM, multicast through the MTA hash or MPE', () => {
    const t = openTwin();
    setupRx(t, { rctl: RCTL_BITS.EN | RCTL_BITS.SECRC });
    expect(t.dev.receive(frameTo(BROADCAST, 64))).toBe('dropped:address-filter');
    t.wr(R.RCTL, BASE_RCTL);
    expect(t.dev.receive(frameTo(BROADCAST, 64))).toBe('delivered');
    const group = Uint8Array.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]);
    expect(t.dev.receive(frameTo(group, 64))).toBe('dropped:address-filter');
    // RCTL.MO = 0: the hash is destination bits 47:36, i.e. (byte5 << 4) | (byte4 >> 4).
    const hash = ((group[5] << 4) | (group[4] >> 4)) & 0xfff;
    t.wr(R.MTA + (hash >> 5) * 4, 1 << (hash & 31));
    expect(t.dev.receive(frameTo(group, 64))).toBe('delivered');
    t.wr(R.MTA + (hash >> 5) * 4, 0);
    t.wr(R.RCTL, BASE_RCTL | RCTL_BITS.MPE);
    expect(t.dev.receive(frameTo(group, 64))).toBe('delivered');
  });

  it('strips the VLAN tag with CTRL.VME and reports it; VFTA filters tagged frames with RCTL.VFE', () => {
    const t = openTwin();
    const rx = setupRx(t);
    t.wr(R.CTRL, t.rd(R.CTRL) | CTRL_VME);
    const inner = frameTo(TWIN_MAC, 100);
    const tagged = new Uint8Array([
      ...inner.subarray(0, 12),
      0x81,
      0x00,
      0x00,
      0x2a,
      ...inner.subarray(12),
    ]);
    expect(t.dev.receive(tagged)).toBe('delivered');
    expect(rx.desc(0).status & RX_STATUS.VP).toBe(RX_STATUS.VP);
    expect(rx.desc(0).special).toBe(42);
    expect(rx.data(0)).toEqual(inner);
    t.wr(R.RCTL, BASE_RCTL | RCTL_BITS.VFE);
    expect(t.dev.receive(tagged)).toBe('dropped:vlan-filter');
    t.wr(R.VFTA + (42 >> 5) * 4, 1 << (42 & 31));
    expect(t.dev.receive(tagged)).toBe('delivered');
  });

  it('checks IP and TCP/UDP checksums with RXCSUM and reports IPCS/TCPCS and IPE/TCPE', () => {
    const t = openTwin();
    const rx = setupRx(t, { count: 16 });
    t.wr(R.RXCSUM, (1 << 8) | (1 << 9));
    const good = ipv4Frame(
      'tcp',
      Uint8Array.from({ length: 33 }, (_, i) => i),
      'valid',
    );
    t.dev.receive(good);
    expect(rx.desc(0).status & (RX_STATUS.IPCS | RX_STATUS.TCPCS | RX_STATUS.IXSM)).toBe(
      RX_STATUS.IPCS | RX_STATUS.TCPCS,
    );
    expect(rx.desc(0).errors).toBe(0);
    const badIp = good.slice();
    badIp[14 + 10] ^= 0xff;
    t.dev.receive(badIp);
    expect(rx.desc(1).errors & RX_ERRORS.IPE).toBe(RX_ERRORS.IPE);
    const badUdp = ipv4Frame(
      'udp',
      Uint8Array.from({ length: 30 }, (_, i) => i),
      'valid',
    );
    badUdp[badUdp.length - 1] ^= 0x01;
    t.dev.receive(badUdp);
    expect(rx.desc(2).errors).toBe(RX_ERRORS.TCPE);
    expect(rx.desc(2).status & RX_STATUS.TCPCS).toBe(RX_STATUS.TCPCS);
    t.wr(R.RXCSUM, 0);
    t.dev.receive(good);
    expect(rx.desc(3).status & RX_STATUS.IXSM).toBe(RX_STATUS.IXSM);
  });

  it('raises RXDMT0 when free descriptors fall to the RDMTS threshold (1/2 by default)', () => {
    const t = openTwin();
    setupRx(t, { count: 8 }); // 7 posted
    t.dev.receive(frameTo(TWIN_MAC, 64));
    t.dev.receive(frameTo(TWIN_MAC, 64));
    expect(t.rd(R.ICR) & ICR_BITS.RXDMT0).toBe(0); // 5 free > 4
    t.dev.receive(frameTo(TWIN_MAC, 64));
    expect(t.rd(R.ICR) & ICR_BITS.RXDMT0).toBe(ICR_BITS.RXDMT0); // 4 free
  });

  it('counts what it receives: GPRC, GORC, TPR, size buckets, broadcast and multicast', () => {
    const t = openTwin();
    setupRx(t, { count: 16, rctl: BASE_RCTL | RCTL_BITS.MPE });
    t.dev.receive(frameTo(TWIN_MAC, 60));
    t.dev.receive(frameTo(BROADCAST, 100));
    t.dev.receive(frameTo(Uint8Array.from([1, 0, 0x5e, 0, 0, 1]), 1514));
    t.dev.receive(frameTo(Uint8Array.from([2, 1, 1, 1, 1, 1]), 100)); // filtered out
    expect(t.rd(R.GPRC)).toBe(3);
    expect(t.rd(R.TPR)).toBe(4);
    expect(t.rd(R.GORCL)).toBe(64 + 104 + 1518);
    expect(t.rd(R.GORCH)).toBe(0);
    expect(t.rd(R.GORCL)).toBe(0);
    expect(t.rd(R.PRC64)).toBe(1);
    expect(t.rd(R.PRC127)).toBe(1);
    expect(t.rd(R.PRC1522)).toBe(1);
    expect(t.rd(R.BPRC)).toBe(1);
    expect(t.rd(R.MPRC)).toBe(1);
    expect(t.rd(R.GPRC)).toBe(0);
  });

  it('records a driver writing RDH while the receiver runs (the device owns the head)', () => {
    const t = openTwin();
    setupRx(t);
    t.wr(R.RDH, 3);
    expect(t.dev.violations.items.map((v) => v.code)).toEqual(['E1000_HEAD_WRITE']);
  });

  it('reports a buffer write the IOMMU blocks, and still hands the descriptor back', () => {
    const t = openTwin();
    const rx = setupRx(t);
    new DataView(rx.ring.u8.buffer).setUint32(0, 0x5000, true);
    new DataView(rx.ring.u8.buffer).setUint32(4, 0, true);
    t.dev.receive(frameTo(TWIN_MAC, 64));
    expect(t.dev.faults.items[0]).toMatchObject({
      iova: 0x5000,
      direction: 'write',
      tag: 'rx-data',
    });
    expect(rx.desc(0).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
  });

  it('mirrors QEMU: frames arriving within 1 s after an RCTL write are held, then delivered', async () => {
    const t = openTwin({ rctlQuietUs: 1_000_000 });
    const rx = setupRx(t);
    const frame = frameTo(TWIN_MAC, 64);
    expect(t.dev.receive(frame)).toBe('queued');
    expect(rx.desc(0).status).toBe(0);
    await t.dev.clock.sleepUs(999_999);
    expect(rx.desc(0).status).toBe(0);
    await t.dev.clock.sleepUs(1);
    expect(rx.desc(0).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
    expect(rx.data(0)).toEqual(frame);
    expect(t.dev.receive(frame)).toBe('delivered');
    t.wr(R.RCTL, BASE_RCTL); // any RCTL write starts the pause again
    expect(t.dev.receive(frame)).toBe('queued');
  });

  it('logs what the device fetched and wrote for a frame, in order', () => {
    const t = openTwin();
    setupRx(t);
    t.dev.log!.clear();
    t.dev.receive(frameTo(TWIN_MAC, 64));
    const trail = t.dev.log!.events().map((e) => ('tag' in e ? `${e.kind}:${e.tag}` : e.kind));
    expect(trail).toEqual([
      'frame-in',
      'dma-read:rx-desc',
      'dma-write:rx-data',
      'dma-write:rx-writeback',
      'frame-in-outcome',
    ]);
  });

  it('holds frames in real time too (wall-clock mode)', async () => {
    const t = openTwin({ rctlQuietUs: 2000 }, { time: 'real' });
    const rx = setupRx(t);
    expect(t.dev.receive(frameTo(TWIN_MAC, 64))).toBe('queued');
    await t.dev.clock.sleepUs(5000);
    expect(rx.desc(0).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
  });

  it('ignores frames from the wire in loopback', () => {
    const t = openTwin();
    setupRx(t, { rctl: BASE_RCTL | (3 << 6) });
    expect(t.dev.receive(ethernet(TWIN_MAC, PEER_MAC, 0x88b5, new Uint8Array(50)))).toBe(
      'dropped:loopback',
    );
  });
});
