/**
 * Bring-up on the twin: the MAC comes from the EEPROM (and from RAL0/RAH0 when EERD does
 * not answer), the link is reported from STATUS and the PHY, RCTL is written once, the
 * device's registers end up as the datasheet's init chapter wants, and the event log
 * shows no head-register writes while a unit is enabled.
 */
import { describe, expect, it } from 'vitest';
import { ir, openNic, TWIN_MAC } from './helpers.js';
import { openE1000Twin } from '../../../drivers/e1000/twin/index.js';
import e1000 from '../../../drivers/e1000/index.js';
import type { NicdlError } from '../../../spec/errors.js';

const R = {
  CTRL: 0x0,
  STATUS: 0x8,
  EERD: 0x14,
  MDIC: 0x20,
  RCTL: 0x100,
  TCTL: 0x400,
  TIPG: 0x410,
  RDH: 0x2810,
  RDT: 0x2818,
  TDH: 0x3810,
  TDT: 0x3818,
  RAL0: 0x5400,
  RAH0: 0x5404,
  MTA: 0x5200,
};

describe('e1000 bring-up', () => {
  it('reads the MAC from the EEPROM and reports link, speed and duplex', async () => {
    const o = await openNic({}, { mac: '02:11:22:33:44:55' });
    expect(o.nic.mac).toBe('02:11:22:33:44:55');
    expect(o.nic.facts.macSource).toBe('eeprom');
    expect(o.nic.link()).toEqual({ up: true, speedMbps: 1000, fullDuplex: true });
    expect(o.nic.facts.phy).toMatchObject({ linkUp: true, speedMbps: 1000, fullDuplex: true });
    expect(o.nic.facts.warnings).toEqual([]);
    await o.nic.close();
  });

  it('falls back to RAL0/RAH0 when EERD never answers', async () => {
    const { device } = openE1000Twin(ir(), { mac: TWIN_MAC });
    device.mmio(0).claimWrite(R.EERD, () => undefined); // EERD.DONE never sets
    const nic = await e1000.open(device, ir());
    expect(nic.mac).toBe(TWIN_MAC);
    expect((nic as { facts?: { macSource: string; warnings: string[] } }).facts).toMatchObject({
      macSource: 'ral0',
      warnings: [
        expect.stringMatching(/RAL0\/RAH0: EEPROM read of word 0: EERD.DONE did not become ready/),
      ],
    });
    await nic.close();
  });

  it('E_TIMEOUT naming EERD when neither the EEPROM nor RAL0 has an address', async () => {
    const { device } = openE1000Twin(ir(), { mac: TWIN_MAC }, {});
    const bar = device.mmio(0);
    bar.claimWrite(R.EERD, () => undefined);
    bar.claimRead(R.RAH0, () => 0); // no valid receive address either
    await expect(e1000.open(device, ir())).rejects.toMatchObject({
      code: 'E_TIMEOUT',
      message: expect.stringMatching(/EERD/),
    });
    // the failed open left the device quiesced: bus mastering off, RX and TX off
    expect(device.configRead(0x04, 2) & 0x4).toBe(0);
    expect(device.regs.bar(0).peek(R.RCTL) & 0x2).toBe(0);
    expect(device.dma.stats().regions).toBe(0);
    await device.close();
  });

  it('E_TIMEOUT naming MDIC when the PHY never answers', async () => {
    const { device } = openE1000Twin(ir(), {});
    device.mmio(0).claimWrite(R.MDIC, () => undefined); // MDIC.R never sets
    await expect(e1000.open(device, ir())).rejects.toMatchObject({
      code: 'E_TIMEOUT',
      message: expect.stringMatching(/MDIC/),
    });
    await device.close();
  });

  it('refuses a device whose ids the spec does not list (E_UNSUPPORTED_DEVICE)', async () => {
    const { device } = openE1000Twin(ir(), {}, { identity: { vendor: 0x8086, device: 0x10d3 } });
    const err = (await e1000.open(device, ir()).catch((e: unknown) => e)) as NicdlError;
    expect(err.code).toBe('E_UNSUPPORTED_DEVICE');
    expect(err.message).toMatch(/8086:10d3.*does not list.*8086:100e/);
    await device.close();
  });

  it('programs the datasheet init: RCTL once, TCTL, TIPG, RAH0.AV, MTA clear, RDT = count - 1', async () => {
    const o = await openNic({ rxRingSize: 64 }, {}, { log: true });
    const bar = o.device.regs.bar(0);
    const writes = o.device.log!.events().filter((e) => e.kind === 'mmio-write');
    const rctl = writes.filter((e) => e.kind === 'mmio-write' && e.offset === R.RCTL);
    // one write in the reset sequence (RCTL = 0: receiver off), then exactly one enable
    expect(rctl.map((e) => (e.kind === 'mmio-write' ? e.value & 0x2 : -1))).toEqual([0, 0x2]);
    expect(bar.peek(R.RCTL)).toBe(0x0400_8002); // EN | BAM | BSIZE 2048 | SECRC (MO 0, no LPE)
    expect(bar.peek(R.TCTL)).toBe(0x0004_00fa); // EN | PSP | CT 0x0F | COLD 0x40
    expect(bar.peek(R.TIPG)).toBe(0x0060_2008); // IPGT 8, IPGR1 8, IPGR2 6
    expect(bar.peek(R.RAH0) >>> 31).toBe(1);
    for (let i = 0; i < 128; i++) expect(bar.peek(R.MTA + 4 * i)).toBe(0);
    expect(bar.peek(R.RDT)).toBe(63);
    expect(bar.peek(R.CTRL) & 0x40).toBe(0x40); // SLU
    expect(o.device.configRead(0x04, 2) & 0x4).toBe(0x4); // bus master on
    await o.nic.close();
  });

  it('never writes a head register while its unit is enabled', async () => {
    const o = await openNic({ rxRingSize: 8, txRingSize: 8 }, {}, { log: true });
    const { frame } = await import('./helpers.js');
    for (let i = 0; i < 20; i++) o.nic.transmit([frame(60, i), frame(200, i)]);
    expect(o.device.violations.items.filter((v) => v.code === 'E1000_HEAD_WRITE')).toEqual([]);
    const events = o.device.log!.events();
    const enableRx = events.findIndex(
      (e) => e.kind === 'mmio-write' && e.offset === R.RCTL && (e.value & 2) !== 0,
    );
    const enableTx = events.findIndex(
      (e) => e.kind === 'mmio-write' && e.offset === R.TCTL && (e.value & 2) !== 0,
    );
    const headWrites = (offset: number, from: number) =>
      events.slice(from).filter((e) => e.kind === 'mmio-write' && e.offset === offset);
    expect(headWrites(R.RDH, enableRx)).toEqual([]);
    expect(headWrites(R.TDH, enableTx)).toEqual([]);
    await o.nic.close();
  });
});
