/**
 * The 82574L twin at register level, driven with the code generated from e1000e.nicdl
 * (registers, rings, the extended descriptor's writeback codec): RSS over the published
 * Toeplitz test vectors, the redirection table choosing the queue, the extended writeback
 * decoded field by field, both transmit queues and TARC's enable, MSI-X routing with
 * EITR throttling and EIAC auto-clear, the 8257x EERD, the GIO master handshake.
 */
import { describe, expect, it } from 'vitest';
import {
  toeplitzHash,
  openE1000eTwin,
  type E1000eTwinOptions,
} from '../../../drivers/e1000e/twin/index.js';
import {
  EITR,
  registers,
  RETA,
  Rx0Ring,
  Rx1Ring,
  RxExtendedWritebackMrqRssType as RssType,
  STATUS,
  Tx0Ring,
  Tx1Ring,
} from '../../../drivers/e1000e/generated/index.js';
import { DEFAULT_RSS_KEY } from '../../../drivers/e1000e/rss.js';
import { ir, macBytes, PEER_MAC, TWIN_MAC } from './helpers.js';

const KEY = Uint8Array.from(DEFAULT_RSS_KEY);
const SERVER = [161, 142, 100, 80];
const CLIENT = [66, 9, 149, 187];

/** The published Toeplitz verification vectors for this key (IPv4 only; TCP over IPv4). */
const VECTORS = [
  {
    src: [66, 9, 149, 187],
    dst: [161, 142, 100, 80],
    sport: 2794,
    dport: 1766,
    ipv4: 0x323e8fc2,
    tcp: 0x51ccc178,
  },
  {
    src: [199, 92, 111, 2],
    dst: [65, 69, 140, 83],
    sport: 14230,
    dport: 4739,
    ipv4: 0xd718262a,
    tcp: 0xc626b0ea,
  },
  {
    src: [24, 19, 198, 95],
    dst: [12, 22, 207, 184],
    sport: 12898,
    dport: 38024,
    ipv4: 0xd2d0a5de,
    tcp: 0x5c2b394a,
  },
];

/** Ethernet + IPv4 + TCP (or UDP, protocol 17) to the twin, checksums left 0 (RSS ignores them). */
function ipFrame(
  src: number[],
  dst: number[],
  sport: number,
  dport: number,
  protocol = 6,
  ipId = 0x1234,
): Uint8Array {
  const l4 = protocol === 6 ? 20 : 8;
  const total = 20 + l4 + 10;
  const ip = [
    0x45,
    0,
    total >> 8,
    total & 0xff,
    ipId >> 8,
    ipId & 0xff,
    0,
    0,
    64,
    protocol,
    0,
    0,
    ...src,
    ...dst,
  ];
  const ports = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff];
  const frame = [
    ...macBytes(TWIN_MAC),
    ...PEER_MAC,
    0x08,
    0x00,
    ...ip,
    ...ports,
    ...new Array(l4 - 4 + 10).fill(0),
  ];
  while (frame.length < MIN_FRAME_NO_FCS) frame.push(0);
  return Uint8Array.from(frame);
}

const MIN_FRAME_NO_FCS = 60;
const RING_SLOTS = 8;
const BUFFER_BYTES = 2048;

/** A twin with both receive queues posted, RSS on (all table entries to `entryQueue`). */
function rssTwin(
  entryQueue: (entry: number) => 0 | 1 = () => 0,
  options: E1000eTwinOptions = {},
  pcsd = true,
) {
  const { device, twin } = openE1000eTwin(ir(), { mac: TWIN_MAC, ...options });
  device.enableBusMaster();
  const bar = device.bar(0);
  const regs = registers(bar);
  const rx = [
    Rx0Ring.allocate(bar, device.dma, { count: RING_SLOTS }),
    Rx1Ring.allocate(bar, device.dma, { count: RING_SLOTS }),
  ];
  const buffers = device.dma.alloc(2 * RING_SLOTS * BUFFER_BYTES);
  rx.forEach((ring, q) => {
    ring.init();
    for (let i = 0; i < RING_SLOTS - 1; i++)
      ring.refill(buffers.iova + (q * RING_SLOTS + i) * BUFFER_BYTES, q * RING_SLOTS + i);
    ring.flush();
  });
  for (let i = 0; i < 10; i++)
    regs.RSSRK.write(
      i,
      KEY[4 * i] | (KEY[4 * i + 1] << 8) | (KEY[4 * i + 2] << 16) | (KEY[4 * i + 3] << 24),
    );
  for (let i = 0; i < RETA.count; i++) {
    const e = (k: number) => entryQueue(4 * i + k);
    regs.RETA.writeFields(i, (w) => w.QUEUE0(e(0)).QUEUE1(e(1)).QUEUE2(e(2)).QUEUE3(e(3)));
  }
  regs.RFCTL.writeFields((w) => w.EXTEN(1));
  regs.RXCSUM.writeFields((w) =>
    w
      .PCSD(pcsd ? 1 : 0)
      .IPOFLD(1)
      .TUOFLD(1),
  );
  regs.MRQC.writeFields((w) => w.MRQE(1).TCPIPV4(1).IPV4(1));
  regs.RCTL.writeFields((w) => w.EN(1).BAM(1).SECRC(1));
  return { device, twin, regs, rx, buffers };
}

describe('RSS', () => {
  it('hashes the published Toeplitz vectors exactly (IPv4, and TCP over IPv4)', () => {
    for (const v of VECTORS) {
      const input = Uint8Array.from([
        ...v.src,
        ...v.dst,
        v.sport >> 8,
        v.sport & 0xff,
        v.dport >> 8,
        v.dport & 0xff,
      ]);
      expect(toeplitzHash(KEY, input, 8).toString(16)).toBe(v.ipv4.toString(16));
      expect(toeplitzHash(KEY, input, 12).toString(16)).toBe(v.tcp.toString(16));
    }
  });

  it('the redirection entry the hash picks names the queue, and the writeback carries hash, type and queue', () => {
    for (const v of VECTORS) {
      // Only the entry this flow's hash indexes says queue 1.
      const t = rssTwin((entry) => (entry === (v.tcp & 0x7f) ? 1 : 0));
      const frame = ipFrame(v.src, v.dst, v.sport, v.dport);
      expect(t.device.receive(frame)).toBe('delivered');
      expect(t.rx[0].nextCompleted()).toBe(-1);
      const wb = t.rx[1].rxExtendedWriteback;
      const dd = wb.statusDD(0); // read before nextCompleted() takes the slot (and clears DD)
      const slot = t.rx[1].nextCompleted();
      expect([dd, slot]).toEqual([true, 0]);
      expect(wb.rssHash(slot).toString(16)).toBe(v.tcp.toString(16));
      expect(wb.mrqRSS_TYPE(slot)).toBe(RssType.TCP_IPV4);
      expect(wb.mrqRSS_QUEUE(slot)).toBe(true);
      expect([wb.statusEOP(slot), wb.statusIPCS(slot), wb.statusTCPCS(slot)]).toEqual([
        true,
        true,
        true,
      ]);
      expect(wb.length(slot)).toBe(frame.length);
      // The frame carries no checksums: the device says so in the errors byte (bits 31:24).
      expect([wb.errorsIPE(slot), wb.errorsTCPE(slot), wb.errorsCE(slot)]).toEqual([
        true,
        true,
        false,
      ]);
      const data = t.buffers.u8.subarray(
        1 * RING_SLOTS * BUFFER_BYTES,
        1 * RING_SLOTS * BUFFER_BYTES + frame.length,
      );
      expect(Array.from(data)).toEqual(Array.from(frame));
    }
  });

  it('hashes UDP on addresses only (type IPV4), and leaves non-IP frames unhashed on queue 0', () => {
    const v = VECTORS[0];
    const t = rssTwin((entry) => (entry === (v.ipv4 & 0x7f) ? 1 : 0));
    t.device.receive(ipFrame(v.src, v.dst, v.sport, v.dport, 17));
    const slot = t.rx[1].nextCompleted();
    expect(t.rx[1].rxExtendedWriteback.rssHash(slot).toString(16)).toBe(v.ipv4.toString(16));
    expect(t.rx[1].rxExtendedWriteback.mrqRSS_TYPE(slot)).toBe(RssType.IPV4);
    const arp = Uint8Array.from([
      ...macBytes(TWIN_MAC),
      ...PEER_MAC,
      0x08,
      0x06,
      ...new Array(46).fill(0),
    ]);
    t.device.receive(arp);
    const s0 = t.rx[0].nextCompleted();
    expect(s0).toBe(0);
    expect([
      t.rx[0].rxExtendedWriteback.rssHash(s0),
      t.rx[0].rxExtendedWriteback.mrqRSS_TYPE(s0),
    ]).toEqual([0, RssType.NONE]);
  });

  it('spreads many flows over both queues by the table, as an independent hash says', () => {
    const t = rssTwin((entry) => (entry % 2 === 0 ? 0 : 1));
    const expected = [0, 0];
    const flows = 6;
    for (let i = 0; i < flows; i++) {
      const sport = 40000 + i;
      const input = Uint8Array.from([...CLIENT, ...SERVER, sport >> 8, sport & 0xff, 0, 80]);
      expected[toeplitzHash(KEY, input, 12) & 1]++;
      t.device.receive(ipFrame(CLIENT, SERVER, sport, 80));
    }
    expect(t.twin.diagnostics().framesDelivered).toEqual(expected);
    expect(expected[0] > 0 && expected[1] > 0).toBe(true);
  });

  it('with RXCSUM.PCSD = 0 there is no RSS: queue 0, and the IP identification (IPIDV) where the hash was', () => {
    const t = rssTwin(() => 1, {}, false);
    t.device.receive(ipFrame(CLIENT, SERVER, 1, 2, 6, 0xbeef));
    const wb = t.rx[0].rxExtendedWriteback;
    expect([wb.statusDD(0), wb.statusIPIDV(0), wb.rssHash(0) & 0xffff, wb.mrq(0)]).toEqual([
      true,
      true,
      0xbeef,
      0,
    ]);
  });
});

/** A twin with both transmit queues programmed, TCTL on. */
function txTwin() {
  const { device, twin } = openE1000eTwin(ir(), { mac: TWIN_MAC });
  device.enableBusMaster();
  const bar = device.bar(0);
  const regs = registers(bar);
  const tx = [
    Tx0Ring.allocate(bar, device.dma, { count: RING_SLOTS }),
    Tx1Ring.allocate(bar, device.dma, { count: RING_SLOTS }),
  ];
  for (const ring of tx) ring.init();
  regs.TCTL.writeFields((w) => w.EN(1).PSP(1));
  const buffers = device.dma.alloc(2 * BUFFER_BYTES);
  const send = (q: number, marker: number) => {
    const f = ipFrame(CLIENT, SERVER, marker, 80);
    buffers.u8.set(f, q * BUFFER_BYTES);
    tx[q].post(buffers.iova + q * BUFFER_BYTES, f.length);
    tx[q].flush();
    return f;
  };
  return { device, twin, regs, tx, send };
}

describe('transmit queues', () => {
  it('both queues send their frames, and report them done', () => {
    const t = txTwin();
    const f0 = t.send(0, 1000);
    const f1 = t.send(1, 1001);
    expect(t.device.wire.take().map((f) => Array.from(f))).toEqual([
      Array.from(f0),
      Array.from(f1),
    ]);
    expect([t.tx[0].nextCompleted(), t.tx[1].nextCompleted()]).toEqual([0, 0]);
    expect(t.twin.diagnostics().framesSent).toEqual([1, 1]);
  });

  it('a queue with TARC.ENABLE clear holds its frames until it is set again', () => {
    const t = txTwin();
    t.regs.TARC1.writeFields((w) => w.COUNT(3).ENABLE(0));
    t.send(1, 2000);
    expect(t.device.wire.take()).toEqual([]);
    t.regs.TARC1.modify((w) => w.ENABLE(1));
    t.regs.TCTL.modify((w) => w.EN(1)); // a TCTL write makes the device look at its queues
    expect(t.device.wire.take()).toHaveLength(1);
  });
});

describe('interrupts', () => {
  it('MSI-X: IVAR routes each queue cause to its vector; EIAC clears the cause as the message goes', async () => {
    const t = rssTwin((entry) => (entry % 2 === 0 ? 0 : 1), { msix: true });
    t.regs.IVAR.writeFields((w) =>
      w.RXQ0_VECTOR(3).RXQ0_VALID(1).RXQ1_VECTOR(1).RXQ1_VALID(1).OTHER_VECTOR(4).OTHER_VALID(1),
    );
    t.regs.EIAC.writeFields((w) => w.RXQ0(1).RXQ1(1));
    t.regs.IMS.setFields((w) => w.RXQ0(1).RXQ1(1).OTHER(1).LSC(1));
    const byQueue = [0, 0];
    for (let sport = 1; byQueue[0] === 0 || byQueue[1] === 0; sport++) {
      const input = Uint8Array.from([...CLIENT, ...SERVER, sport >> 8, sport & 0xff, 0, 80]);
      byQueue[toeplitzHash(KEY, input, 12) & 1]++;
      t.device.receive(ipFrame(CLIENT, SERVER, sport, 80));
    }
    expect(await t.twin.vector(3).wait(0)).toBe(byQueue[0]);
    expect(await t.twin.vector(1).wait(0)).toBe(byQueue[1]);
    expect(t.device.bar(0).read32(0xc0) & ((1 << 20) | (1 << 21))).toBe(0); // ICR: auto-cleared
    t.twin.setLink(false);
    expect(await t.twin.vector(4).wait(0)).toBe(1); // LSC goes out as "other"
  });

  it("MSI-X: EITR holds a vector's next message until its interval has passed", async () => {
    const t = rssTwin(() => 0, { msix: true });
    t.regs.IVAR.writeFields((w) => w.RXQ0_VECTOR(0).RXQ0_VALID(1));
    t.regs.EIAC.writeFields((w) => w.RXQ0(1));
    t.regs.EITR.writeFields(0, (w) => w.INTERVAL(1000)); // 256 us
    t.regs.IMS.setFields((w) => w.RXQ0(1));
    t.device.receive(ipFrame(CLIENT, SERVER, 1, 80));
    t.device.receive(ipFrame(CLIENT, SERVER, 2, 80));
    expect(await t.twin.vector(0).wait(0)).toBe(1);
    await t.device.clock.sleepUs(300);
    expect(await t.twin.vector(0).wait(0)).toBe(1);
    expect(EITR.count).toBe(5);
  });

  it('without MSI-X both queues raise RXT0 on the single interrupt', async () => {
    const t = rssTwin((entry) => (entry % 2 === 0 ? 0 : 1));
    t.regs.IMS.setFields((w) => w.RXT0(1));
    for (let sport = 1; sport <= 4; sport++) t.device.receive(ipFrame(CLIENT, SERVER, sport, 80));
    expect(t.twin.diagnostics().framesDelivered.every((n) => n > 0)).toBe(true);
    expect(await t.device.interrupts().wait(0)).toBeGreaterThan(0);
    expect(t.device.bar(0).read32(0xc0) & (1 << 7)).toBe(1 << 7);
  });
});

describe('general registers', () => {
  it('EERD in the 8257x layout reads the NVM: START bit 0, DONE bit 1, ADDR from bit 2', () => {
    const { device } = openE1000eTwin(ir(), { mac: TWIN_MAC });
    const regs = registers(device.bar(0));
    const mac = macBytes(TWIN_MAC);
    for (let w = 0; w < 3; w++) {
      regs.EERD.writeFields((x) => x.START(1).ADDR(w));
      const v = regs.EERD.read();
      expect([(v >>> 1) & 1, v >>> 16]).toEqual([1, mac[2 * w] | (mac[2 * w + 1] << 8)]);
    }
  });

  it('GIO master disable: STATUS.GIO_MASTER_EN drops, and comes back when cleared', () => {
    const { device } = openE1000eTwin(ir(), { mac: TWIN_MAC });
    const regs = registers(device.bar(0));
    expect(STATUS.GIO_MASTER_EN.get(regs.STATUS.read())).toBe(1);
    regs.CTRL.modify((w) => w.GIO_MASTER_DISABLE(1));
    expect(STATUS.GIO_MASTER_EN.get(regs.STATUS.read())).toBe(0);
    regs.CTRL.modify((w) => w.GIO_MASTER_DISABLE(0));
    expect(STATUS.GIO_MASTER_EN.get(regs.STATUS.read())).toBe(1);
  });
});
