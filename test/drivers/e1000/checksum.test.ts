/**
 * Checksum offload, checked against checksums computed here independently: TX through
 * context descriptors (IPv4 header, TCP, UDP) gives the same frames as the software
 * fallback; RX reports good and bad checksums from the device (RXCSUM) and, with offload
 * off, from software — the same verdicts either way.
 */
import { describe, expect, it } from 'vitest';
import {
  checksumsOk,
  drain,
  frameListDiff,
  ipFrame,
  openNic,
  rxSettle,
  type IpFrameOptions,
} from './helpers.js';

const CASES: IpFrameOptions[] = [
  { protocol: 'udp', payload: 18, checksums: 'zero' },
  { protocol: 'udp', payload: 1000, checksums: 'zero' },
  { protocol: 'tcp', payload: 0, checksums: 'zero' },
  { protocol: 'tcp', payload: 1453, checksums: 'zero' },
  { protocol: 'tcp', payload: 333, checksums: 'wrong' },
];

describe('e1000 TX checksum offload', () => {
  it('inserts IPv4, TCP and UDP checksums through a context descriptor', async () => {
    const o = await openNic({}, {}, { log: true });
    const frames = CASES.map((c, i) => ipFrame(c, i));
    expect(o.nic.transmit(frames, { ipv4: true, l4: true })).toBe(frames.length);
    const wire = o.device.wire.take();
    expect(wire.map(checksumsOk)).toEqual(frames.map(() => ({ ip: true, l4: true })));
    // Only the checksum fields changed (and TCTL.PSP padded the 54-byte frame to 60).
    for (let i = 0; i < frames.length; i++) {
      const want = new Uint8Array(Math.max(60, frames[i].length));
      want.set(ipFrame({ ...CASES[i], checksums: 'correct' }, i));
      expect(frameListDiff([wire[i]], [want]), `case ${i}`).toBe('');
    }
    const d = o.nic.statistics().driver;
    expect(d.tx_csum_offloaded).toBe(frames.length);
    // UDP then TCP: one context for the UDP frames, one when the layout changes to TCP
    expect(d.tx_context_descriptors).toBe(2);
    const dtyp = o.device
      .log!.events()
      .filter((e) => e.kind === 'dma-read' && e.tag === 'tx-desc')
      .map((e) => (e.kind === 'dma-read' ? (e.data[11] & 0x20) | (e.data[10] >> 4) : -1));
    expect(dtyp).toEqual([0x20, 0x21, 0x21, 0x20, 0x21, 0x21, 0x21]); // DEXT: context (DTYP 0), data (DTYP 1)
    await o.nic.close();
  });

  it('inserts only what was asked: IPv4 header only leaves the TCP checksum as it was', async () => {
    const o = await openNic();
    const f = ipFrame({ protocol: 'tcp', payload: 40, checksums: 'wrong' });
    o.nic.transmit([f], { ipv4: true });
    expect(checksumsOk(o.device.wire.take()[0])).toEqual({ ip: true, l4: false });
    await o.nic.close();
  });

  it('the software fallback (checksumOffload off) sends the same frames, with legacy descriptors only', async () => {
    const hw = await openNic();
    const sw = await openNic({ checksumOffload: false });
    const frames = CASES.map((c, i) => ipFrame(c, i));
    hw.nic.transmit(frames, { ipv4: true, l4: true });
    sw.nic.transmit(frames, { ipv4: true, l4: true });
    expect(frameListDiff(sw.device.wire.take(), hw.device.wire.take())).toBe('');
    const d = sw.nic.statistics().driver;
    expect([d.tx_csum_software, d.tx_context_descriptors]).toEqual([frames.length, 0]);
    await hw.nic.close();
    await sw.nic.close();
  });

  it('checksums a jumbo UDP frame spread over several data descriptors', async () => {
    const o = await openNic({ maxFrameBytes: 9014 });
    const f = ipFrame({ protocol: 'udp', payload: 8972, checksums: 'zero' });
    expect(f.length).toBe(9014);
    o.nic.transmit([f], { ipv4: true, l4: true });
    expect(checksumsOk(o.device.wire.take()[0])).toEqual({ ip: true, l4: true });
    await o.nic.close();
  });

  it('a frame that is not IPv4 TCP/UDP goes out untouched, counted as unsupported', async () => {
    const o = await openNic();
    const arp = new Uint8Array(60).fill(0xff, 0, 6);
    arp[12] = 0x08;
    arp[13] = 0x06;
    o.nic.transmit([arp], { ipv4: true, l4: true });
    expect(frameListDiff(o.device.wire.take(), [arp])).toBe('');
    expect(o.nic.statistics().driver.tx_csum_unsupported).toBe(1);
    await o.nic.close();
  });
});

describe('e1000 RX checksum verdicts', () => {
  const frames = [
    ipFrame({ protocol: 'udp', payload: 100, checksums: 'correct' }, 1),
    ipFrame({ protocol: 'tcp', payload: 200, checksums: 'correct' }, 2),
    ipFrame({ protocol: 'tcp', payload: 200, checksums: 'wrong' }, 3),
    ipFrame({ protocol: 'udp', payload: 30, checksums: 'zero' }, 4), // IP checksum 0: wrong; UDP none
  ];
  const verdicts = [
    { ip: 'ok', l4: 'ok' },
    { ip: 'ok', l4: 'ok' },
    { ip: 'ok', l4: 'bad' },
    { ip: 'bad', l4: 'none' },
  ];

  for (const offload of [true, false]) {
    it(`reports ok / bad / none ${offload ? 'from the device (RXCSUM)' : 'from software (offload off)'}`, async () => {
      const o = await openNic({ checksumOffload: offload });
      await rxSettle(o);
      for (const f of frames) o.device.receive(f);
      const got = drain(o.nic);
      expect(frameListDiff(got.frames, frames)).toBe('');
      expect(got.metas.map((m) => ({ ip: m.ip, l4: m.l4 }))).toEqual(verdicts);
      const d = o.nic.statistics().driver;
      expect(offload ? d.rx_csum_hardware : d.rx_csum_software).toBe(frames.length);
      expect([d.rx_csum_ip_bad, d.rx_csum_l4_bad]).toEqual([1, 1]);
      await o.nic.close();
    });
  }

  it('judges a frame in software only when its verdict is read, and counts only those', async () => {
    const o = await openNic({ checksumOffload: false });
    await rxSettle(o);
    for (const f of frames) o.device.receive(f);
    // A forwarder's callback: it never looks at the verdict, so software checks nothing.
    expect(o.nic.receive(2, () => {})).toBe(2);
    let d = o.nic.statistics().driver;
    expect([d.rx_csum_software, d.rx_csum_ip_bad, d.rx_csum_l4_bad]).toEqual([0, 0, 0]);
    // The other two are read, one of them twice (judged once) and through JSON.
    const seen: unknown[] = [];
    o.nic.receive(2, (_f, m) => {
      seen.push({ ip: m.ipChecksum, l4: m.l4Checksum, again: m.l4Checksum });
      seen.push(JSON.parse(JSON.stringify(m)));
    });
    const asJson = (i: number) => ({
      length: frames[i].length,
      errors: 0,
      ipChecksum: verdicts[i].ip,
      l4Checksum: verdicts[i].l4,
      queue: 0,
      descriptors: 1,
    });
    expect(seen).toEqual([
      { ...verdicts[2], again: verdicts[2].l4 },
      asJson(2),
      { ...verdicts[3], again: verdicts[3].l4 },
      asJson(3),
    ]);
    // Five reads of each frame's verdict, one software check each: judged once.
    d = o.nic.statistics().driver;
    expect([d.rx_csum_software, d.rx_csum_ip_bad, d.rx_csum_l4_bad]).toEqual([2, 1, 1]);
    await o.nic.close();
  });

  it("counts the device's verdicts as frames arrive, read or not", async () => {
    const o = await openNic({ checksumOffload: true });
    await rxSettle(o);
    for (const f of frames) o.device.receive(f);
    expect(o.nic.receive(16, () => {})).toBe(frames.length);
    const d = o.nic.statistics().driver;
    expect([d.rx_csum_hardware, d.rx_csum_software]).toEqual([frames.length, 0]);
    expect([d.rx_csum_ip_bad, d.rx_csum_l4_bad]).toEqual([1, 1]);
    await o.nic.close();
  });

  it('judges a frame joined from several buffers from the joined bytes', async () => {
    const o = await openNic({ checksumOffload: false, maxFrameBytes: 9014 });
    await rxSettle(o);
    const big = [
      ipFrame({ protocol: 'udp', payload: 5000, checksums: 'correct' }, 8),
      ipFrame({ protocol: 'tcp', payload: 7000, checksums: 'wrong' }, 9),
    ];
    for (const f of big) o.device.receive(f);
    const got = drain(o.nic);
    expect(frameListDiff(got.frames, big)).toBe('');
    expect(got.metas.map((m) => [m.descriptors, m.ip, m.l4])).toEqual([
      [3, 'ok', 'ok'],
      [4, 'ok', 'bad'],
    ]);
    await o.nic.close();
  });

  it('checks VLAN-tagged IPv4 frames in software too, and leaves other EtherTypes alone', async () => {
    const o = await openNic({ checksumOffload: false });
    await rxSettle(o);
    const tagged = [
      ipFrame({ protocol: 'udp', payload: 64, checksums: 'correct', vlan: 5 }, 5),
      ipFrame({ protocol: 'tcp', payload: 90, checksums: 'wrong', vlan: 5 }, 6),
    ];
    const arp = ipFrame({ protocol: 'udp', payload: 64, checksums: 'correct' }, 7);
    arp[12] = 0x08;
    arp[13] = 0x06;
    for (const f of [...tagged, arp]) o.device.receive(f);
    const got = drain(o.nic);
    expect(frameListDiff(got.frames, [...tagged, arp])).toBe('');
    expect(got.metas.map((m) => ({ ip: m.ip, l4: m.l4 }))).toEqual([
      { ip: 'ok', l4: 'ok' },
      { ip: 'ok', l4: 'bad' },
      { ip: 'none', l4: 'none' },
    ]);
    expect(o.nic.statistics().driver.rx_csum_software).toBe(2);
    await o.nic.close();
  });
});
