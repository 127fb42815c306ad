/** `nicdl dump`: every register of the spec read from the device and decoded, like `ethtool -d`. */
import { Flags } from '@oclif/core';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { NicdlCommand } from '../base.js';
import { deviceFlags, nicConfig, nicFlags } from '../nic-flags.js';
import { openDevice, startDriver } from '../open-nic.js';
import { dumpRegisters, indirectSpaces, type DumpedRegister } from '../register-dump.js';
import { formatDump } from '../register-dump-text.js';

export default class Dump extends NicdlCommand {
  static override summary = 'Read every register of the spec and decode it by field and enum name';
  static override description =
    'Registers that clear when read (interrupt causes, statistics) are not read unless --include-rc; write-only ' +
    'registers are listed as such. Without --up the device is dumped as found (the twin: at power-on); --up brings ' +
    'the driver up first. Registers of indirect spaces (PHY, EEPROM) are not reached through the BAR and are not read.';
  static override examples = [
    '<%= config.bin %> dump',
    '<%= config.bin %> dump --up --diff',
    '<%= config.bin %> dump --pci 0000:00:02.0 --register CTRL --register STATUS',
    '<%= config.bin %> dump --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...deviceFlags,
    ...nicFlags,
    up: Flags.boolean({
      description: 'bring the driver up before reading (else: the device as found)',
    }),
    diff: Flags.boolean({
      description: 'show only registers whose value differs from the reset value',
    }),
    'include-rc': Flags.boolean({
      description: 'also read clear-on-read registers (this clears interrupt causes and counters)',
    }),
    register: Flags.string({
      description: 'only this register (repeatable; array elements as RAL[0] or all as RAL)',
      multiple: true,
    }),
  };

  async run(): Promise<{
    device: string;
    where: string;
    registers: DumpedRegister[];
    notRead: Array<{ space: string; registers: number }>;
  }> {
    const { flags } = await this.parse(Dump);
    const ctx = { onCleanup: (fn: () => Promise<void> | void) => this.onCleanup(fn) };
    const opened = await openDevice(flags, ctx);
    if (flags.up) await startDriver(opened, nicConfig(flags, flags.pci !== undefined), ctx);
    if (flags['include-rc'])
      this.logToStderr(
        'nicdl: warning: --include-rc: reading clears interrupt causes and statistics counters',
      );
    const all = dumpRegisters(opened.ir, opened.device, { includeRc: flags['include-rc'] });
    const wanted = selectRegisters(all, flags.register);
    const shown = flags.diff ? wanted.filter((r) => r.differs) : wanted;
    const spaces = indirectSpaces(opened.ir);
    this.log(
      `${opened.ir.name} on ${opened.where}: ${shown.length} of ${all.length} registers${flags.diff ? ' differ from reset' : ''}`,
    );
    for (const line of formatDump(shown)) this.log(line);
    if (spaces.length && !flags.register)
      this.log(
        `not read (indirect spaces): ${spaces.map((s) => `${s.space} (${s.registers} registers)`).join(', ')}`,
      );
    return { device: opened.ir.name, where: opened.where, registers: shown, notRead: spaces };
  }
}

/** Registers by name: "RAL" selects every element, "RAL[3]" one; unknown names are an error. */
function selectRegisters(all: DumpedRegister[], names: string[] | undefined): DumpedRegister[] {
  if (!names?.length) return all;
  const upper = names.map((n) => n.toUpperCase());
  const match = (r: DumpedRegister, n: string) =>
    r.name.toUpperCase() === n || r.name.toUpperCase().startsWith(`${n}[`);
  const unknown = upper.filter((n) => !all.some((r) => match(r, n)));
  if (unknown.length) throw unknownRegister(unknown, all);
  return all.filter((r) => upper.some((n) => match(r, n)));
}

function unknownRegister(names: string[], all: DumpedRegister[]): NicdlError {
  const known = [...new Set(all.map((r) => r.name.replace(/\[\d+\]$/, '')))];
  return new NicdlError(
    'E_UNKNOWN_REGISTER',
    `no register ${names.join(', ')} in the spec (known: ${known.join(', ')})`,
    ExitCode.usage,
    {
      registers: names,
    },
  );
}
