/**
 * Human names for PCI class codes (PCI Code and ID Assignment Specification, base
 * classes), so `nicdl devices` can show "network/ethernet" next to 0x020000.
 */
const BASE_CLASSES: Record<number, string> = {
  0x00: 'unclassified',
  0x01: 'storage',
  0x02: 'network',
  0x03: 'display',
  0x04: 'multimedia',
  0x05: 'memory',
  0x06: 'bridge',
  0x07: 'communication',
  0x08: 'system',
  0x09: 'input',
  0x0a: 'docking',
  0x0b: 'processor',
  0x0c: 'serial-bus',
  0x0d: 'wireless',
  0x0e: 'intelligent-io',
  0x0f: 'satellite',
  0x10: 'encryption',
  0x11: 'signal-processing',
  0x12: 'accelerator',
  0x13: 'instrumentation',
  0xff: 'unassigned',
};

/** Network controller subclasses (base class 0x02). */
const NETWORK_SUBCLASSES: Record<number, string> = {
  0x00: 'ethernet',
  0x01: 'token-ring',
  0x02: 'fddi',
  0x03: 'atm',
  0x04: 'isdn',
  0x07: 'infiniband',
  0x80: 'other',
};

/** The 24-bit class code's base class (bits 23:16) and subclass (bits 15:8). */
const BASE_SHIFT = 16;
const SUB_SHIFT = 8;
const BYTE = 0xff;

/** "network/ethernet", "bridge", or the hex base class when unknown. */
export function pciClassName(classCode: number): string {
  const base = (classCode >>> BASE_SHIFT) & BYTE;
  const sub = (classCode >>> SUB_SHIFT) & BYTE;
  const baseName = BASE_CLASSES[base] ?? `class-0x${base.toString(16).padStart(2, '0')}`;
  const subName = base === 0x02 ? NETWORK_SUBCLASSES[sub] : undefined;
  return subName ? `${baseName}/${subName}` : baseName;
}

/** True for a network controller (base class 0x02). */
export function isNetworkClass(classCode: number): boolean {
  return ((classCode >>> BASE_SHIFT) & BYTE) === 0x02;
}
