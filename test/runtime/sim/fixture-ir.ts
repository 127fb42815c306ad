/** A small hand-written IR covering every access kind, for the generic twin tests. */
import { parseIr, type Device, type DeviceInput } from '../../../spec/ir.js';

export const FIXTURE: DeviceInput = {
  irVersion: 1,
  name: 'fixture',
  source: { file: 'fixture.nicdl', hash: '0' },
  pci: [{ vendor: 0x1234, device: 0x5678 }],
  bars: [{ index: 0, kind: 'mmio', size: 0x1000 }],
  spaces: [{ name: 'phy', width: 16 }],
  constants: [],
  registers: [
    {
      name: 'CTRL',
      offset: 0x0,
      width: 32,
      access: 'rw',
      reset: 0x0000_0040,
      fields: [
        { name: 'EN', lsb: 0, msb: 0 },
        { name: 'SLU', lsb: 6, msb: 6 },
        { name: 'RST', lsb: 26, msb: 26, selfClearing: true },
        { name: 'VER', lsb: 28, msb: 31, access: 'ro' },
      ],
    },
    { name: 'STATUS', offset: 0x8, width: 32, access: 'ro', reset: 0x83 },
    { name: 'ICR', offset: 0xc0, width: 32, access: 'rc' },
    { name: 'IMS', offset: 0xd0, width: 32, access: 'w1s' },
    { name: 'IMC', offset: 0xd8, width: 32, access: 'wo' },
    { name: 'ISR', offset: 0xe0, width: 32, access: 'w1c', reset: 0xffff_0000 },
    { name: 'SMALL', offset: 0xf0, width: 16, access: 'rw' },
    { name: 'MTA', offset: 0x200, width: 32, access: 'rw', array: { count: 4, stride: 4 } },
    { name: 'GORC', offset: 0x300, width: 64, access: 'rc', split: true, counter: true },
    {
      name: 'BMCR',
      space: 'phy',
      offset: 0,
      width: 16,
      access: 'rw',
      reset: 0x1140,
      fields: [{ name: 'RESET', lsb: 15, msb: 15, selfClearing: true }],
    },
    { name: 'BMSR', space: 'phy', offset: 1, width: 16, access: 'ro', reset: 0x796d },
  ],
  descriptors: [],
  rings: [],
  sequences: [],
};

export function fixtureIr(): Device {
  return parseIr(FIXTURE);
}
