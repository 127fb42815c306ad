/**
 * Markdown reference for a device: register map, one table per register (Bits | Field |
 * Access | Reset | Description, MSB first, reserved rows), indirect spaces, descriptor
 * layouts, ring rules, sequences and constants.
 */
import type { Device } from '../../spec/ir.js';
import { firstSentence, headerText, hex, oneLine, sectionRef } from '../emit.js';
import { describeStep } from '../steps.js';
import { normalize } from '../layout.js';
import { descriptorLayoutDocs, registerDocs, ringRules, type RegisterDoc } from './model.js';

/** The doc comment as a paragraph when it says more than its first sentence (the heading). */
function more(doc: string | undefined): string[] {
  if (!doc || oneLine(doc).replace(/\.$/, '') === firstSentence(doc)) return [];
  return [doc.trim(), ''];
}

/** Escapes text for a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function registerSection(doc: RegisterDoc): string[] {
  const { reg } = doc;
  const out: string[] = [];
  out.push(
    `<a id="${doc.id}"></a>`,
    '',
    `### ${reg.name}${doc.summary ? ` — ${doc.summary}` : ''}`,
    '',
  );
  const facts = [`\`${doc.placement}\``, `${reg.width}-bit`, `**${reg.access}**`];
  if (reg.width <= 32) facts.push(`reset \`${doc.resetText}\``);
  if (doc.ref) facts.push(doc.ref);
  out.push(facts.join(' · '), '');
  out.push(...more(reg.doc));
  for (const n of doc.notes) out.push(`> ${n}`, '');
  if (doc.rows.length > 0) {
    const rows = doc.rows.map((r) => [
      r.bits,
      r.name ?? '—',
      r.access,
      r.reset,
      [r.description, ...(r.enumValues.length > 0 ? [`Values: ${r.enumValues.join('; ')}.`] : [])]
        .filter((x) => x !== '')
        .join(' '),
    ]);
    out.push(...table(['Bits', 'Field', 'Access', 'Reset', 'Description'], rows), '');
  }
  return out;
}

export function generateMarkdown(spec: Device): string {
  const ir = normalize(spec);
  const out: string[] = [];
  const regs = registerDocs(ir);
  out.push(`# ${ir.name}${ir.doc ? ` — ${oneLine(ir.doc)}` : ''}`, '');
  out.push(`<!-- ${headerText(ir)} -->`, '');
  const facts: string[] = [];
  if (ir.ref) facts.push(`Reference: ${ir.ref}.`);
  if (ir.pci.length > 0)
    facts.push(
      `PCI: ${ir.pci.map((p) => `${hex(p.vendor, 4, false)}:${hex(p.device, 4, false)}${p.name ? ` (${p.name})` : ''}`).join(', ')}.`,
    );
  for (const b of ir.bars) facts.push(`BAR ${b.index}: ${b.kind}, ${b.size / 1024} KiB.`);
  out.push(facts.join(' '), '');
  out.push('Contents: [Register map](#register-map) · [Registers](#registers)');
  const extra = [
    ...(regs.spaces.length > 0 ? ['[Indirect spaces](#indirect-spaces)'] : []),
    ...(ir.descriptors.length > 0 ? ['[Descriptors](#descriptors)'] : []),
    ...(ir.rings.length > 0 ? ['[Rings](#rings)'] : []),
    ...(ir.sequences.length > 0 ? ['[Sequences](#sequences)'] : []),
    ...(ir.constants.length > 0 ? ['[Constants](#constants)'] : []),
  ];
  out[out.length - 1] += extra.map((e) => ` · ${e}`).join('');
  out.push('');

  out.push('## Register map', '');
  out.push(
    ...table(
      ['Offset', 'Name', 'Access', 'Reset', 'Description'],
      regs.bar.map((d) => [
        `\`${d.where}\``,
        `[${d.reg.name}](#${d.id})${d.reg.array ? `[${d.reg.array.count}]` : ''}`,
        d.reg.access,
        d.reg.width <= 32 ? `\`${d.resetText}\`` : '',
        d.summary,
      ]),
    ),
    '',
  );
  out.push('## Registers', '');
  for (const d of regs.bar) out.push(...registerSection(d));

  if (regs.spaces.length > 0) {
    out.push('## Indirect spaces', '');
    for (const s of regs.spaces) {
      out.push(
        `### Space ${s.name}${s.doc ? ` — ${s.doc}` : ''}`,
        '',
        `${s.width}-bit registers, numbered.`,
        '',
      );
      for (const d of s.regs)
        out.push(...registerSection(d).map((l) => (l.startsWith('### ') ? `#${l}` : l)));
    }
  }

  if (ir.descriptors.length > 0) {
    out.push('## Descriptors', '');
    for (const desc of ir.descriptors) {
      const ref = sectionRef(desc.ref);
      for (const layout of descriptorLayoutDocs(desc)) {
        out.push(
          `### ${layout.title} — ${desc.size} bytes${desc.doc && !layout.title.endsWith(')') ? `, ${firstSentence(desc.doc)}` : ''}${ref ? ` (${ref})` : ''}`,
          '',
        );
        if (layout.title === desc.name) out.push(...more(desc.doc));
        out.push(
          ...table(
            ['Bytes', 'Field', 'Type', 'Bits', 'Description'],
            layout.rows.map((r) => [r.bytes, r.name, r.type, r.bits, r.description]),
          ),
          '',
        );
      }
    }
  }

  if (ir.rings.length > 0) {
    out.push('## Rings', '');
    for (const r of ir.rings) {
      const ref = sectionRef(r.ref);
      out.push(
        `### ${r.name}${r.doc ? ` — ${firstSentence(r.doc)}` : ''}${ref ? ` (${ref})` : ''}`,
        '',
        ...more(r.doc),
      );
      for (const rule of ringRules(ir, r)) out.push(`- ${rule}`);
      out.push('');
    }
  }

  if (ir.sequences.length > 0) {
    out.push('## Sequences', '');
    for (const s of ir.sequences) {
      const ref = sectionRef(s.ref);
      out.push(
        `### ${s.name}${s.params.length > 0 ? `(${s.params.join(', ')})` : ''}${s.doc ? ` — ${firstSentence(s.doc)}` : ''}${ref ? ` (${ref})` : ''}`,
        '',
        ...more(s.doc),
      );
      s.steps.forEach((step, i) => out.push(`${i + 1}. \`${describeStep(step)}\``));
      out.push('');
    }
  }

  if (ir.constants.length > 0) {
    out.push('## Constants', '');
    out.push(
      ...table(
        ['Name', 'Value', 'Description'],
        ir.constants.map((c) => [
          c.name,
          `${c.value}${c.value > 9 ? ` (${hex(c.value, 1)})` : ''}`,
          oneLine(c.doc),
        ]),
      ),
      '',
    );
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
