/**
 * One self-contained HTML page for a device (inline CSS and script, no network), in the
 * spirit of PeakRDL-html: a searchable register map, per-register bit-field diagrams and
 * tables (MSB first, reserved rows, access with hover text), indirect spaces, descriptor
 * layouts as byte diagrams, ring rules and sequences.
 */
import type { Device, Register } from '../../spec/ir.js';
import { firstSentence, headerText, hex, oneLine, sectionRef } from '../emit.js';
import { accessMeaning, normalize } from '../layout.js';
import { describeStep } from '../steps.js';
import {
  descriptorLayoutDocs,
  registerDocs,
  registerId,
  ringRules,
  type BitRow,
  type DescFieldRow,
  type RegisterDoc,
} from './model.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './html-assets.js';

/** Bits per row of a register diagram. */
const DIAGRAM_BITS_PER_ROW = 16;
/** Bytes per row of a descriptor diagram (one 64-bit line, as the datasheets draw them). */
const DIAGRAM_BYTES_PER_ROW = 8;

/** A name that may wrap after its underscores in a narrow diagram cell. */
function breakable(name: string): string {
  return esc(name).replace(/_/g, '_<wbr>');
}

/** The rest of a doc comment after its first sentence, as a paragraph (or nothing). */
function moreDoc(doc: string | undefined): string {
  const full = (doc ?? '').trim();
  const first = firstSentence(doc);
  if (full === '' || oneLine(full).replace(/\.$/, '') === first) return '';
  // Source line breaks are layout, not meaning: a blank line separates paragraphs.
  return full
    .split(/\n\s*\n/)
    .map((para) => `<p>${esc(oneLine(para))}</p>`)
    .join('');
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Lower-case words a search for this item should match. */
function searchText(...parts: Array<string | undefined>): string {
  return esc(
    parts
      .filter((p) => p !== undefined)
      .join(' ')
      .toLowerCase(),
  );
}

function access(row: Pick<BitRow, 'access' | 'accessMeaning'>): string {
  return `<abbr title="${esc(row.accessMeaning)}">${esc(row.access)}</abbr>`;
}

/** A register's bit-field diagram: rows of 16 bits, MSB left, fields spanning their bits. */
function bitDiagram(doc: RegisterDoc): string {
  const width = doc.reg.width;
  const rows: string[] = [];
  for (let hi = width - 1; hi >= 0; hi -= DIAGRAM_BITS_PER_ROW) {
    const lo = Math.max(0, hi - DIAGRAM_BITS_PER_ROW + 1);
    const numbers: string[] = [];
    for (let b = hi; b >= lo; b--) numbers.push(`<th>${b}</th>`);
    const cells: string[] = [];
    let b = hi;
    while (b >= lo) {
      const row = doc.rows.find((r) => r.lsb <= b && r.msb >= b)!;
      const bottom = Math.max(row.lsb, lo);
      const span = b - bottom + 1;
      const name = row.name ?? '';
      const narrow = name.length > span * 3 ? ' narrow' : '';
      const cls = row.name ? `field${narrow}` : 'rsvd';
      cells.push(
        `<td colspan="${span}" class="${cls}" title="${esc(`[${row.bits}] ${name || 'reserved'}${row.description && row.name ? ` — ${row.description}` : ''}`)}"><span>${breakable(name)}</span></td>`,
      );
      b = bottom - 1;
    }
    rows.push(
      `<tr class="bitnums">${numbers.join('')}</tr><tr class="bitfields">${cells.join('')}</tr>`,
    );
  }
  return `<table class="diagram">${rows.join('')}</table>`;
}

function fieldTable(doc: RegisterDoc): string {
  const body = doc.rows
    .map((r) => {
      const values =
        r.enumValues.length > 0
          ? `<ul class="enum">${r.enumValues.map((v) => `<li><code>${esc(v)}</code></li>`).join('')}</ul>`
          : '';
      const cls = r.name ? '' : ' class="rsvd"';
      return `<tr${cls}><td class="bits">[${esc(r.bits)}]</td><td>${r.name ? `<code>${esc(r.name)}</code>` : '—'}</td><td>${access(r)}</td><td><code>${esc(r.reset)}</code></td><td>${esc(r.description)}${values}</td></tr>`;
    })
    .join('\n');
  return `<table class="fields"><thead><tr><th>Bits</th><th>Field</th><th>Access</th><th>Reset</th><th>Description</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function registerSection(doc: RegisterDoc): string {
  const { reg } = doc;
  const fieldNames = reg.fields.map((f) => f.name).join(' ');
  const accessRow = { access: reg.access, accessMeaning: accessText(reg) };
  const facts = [
    `<span class="where">${esc(doc.placement)}</span>`,
    `${reg.width}-bit`,
    access(accessRow),
    ...(reg.width <= 32 ? [`reset <code>${esc(doc.resetText)}</code>`] : []),
    ...(doc.ref ? [esc(doc.ref)] : []),
  ];
  const docText = moreDoc(reg.doc);
  const notes = doc.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  const diagram = reg.fields.length > 0 ? bitDiagram(doc) + fieldTable(doc) : '';
  return `<section class="reg" id="${doc.id}" data-search="${searchText(reg.name, reg.doc, fieldNames, doc.where)}">
<h3><a href="#${doc.id}">${esc(reg.name)}</a>${reg.array ? `<span class="dim">[${reg.array.count}]</span>` : ''}${doc.summary ? ` <span class="summary">${esc(doc.summary)}</span>` : ''}</h3>
<p class="facts">${facts.join(' · ')}</p>${docText}${notes}
${diagram}
</section>`;
}

function accessText(reg: Register): string {
  return accessMeaning(reg.access);
}

function registerMap(docs: RegisterDoc[]): string {
  const rows = docs
    .map(
      (d) =>
        `<tr data-search="${searchText(d.reg.name, d.reg.doc, d.reg.fields.map((f) => f.name).join(' '), d.where)}"><td><code>${esc(d.where)}</code></td><td><a href="#${d.id}">${esc(d.reg.name)}</a>${d.reg.array ? `<span class="dim">[${d.reg.array.count}]</span>` : ''}</td><td>${access({ access: d.reg.access, accessMeaning: accessText(d.reg) })}</td><td><code>${d.reg.width <= 32 ? esc(d.resetText) : ''}</code></td><td>${esc(d.summary)}</td></tr>`,
    )
    .join('\n');
  return `<table class="map"><thead><tr><th>Offset</th><th>Name</th><th>Access</th><th>Reset</th><th>Description</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** A descriptor layout as rows of 8 bytes, most significant byte left. */
function byteDiagram(size: number, rows: DescFieldRow[]): string {
  const out: string[] = [];
  const header = Array.from(
    { length: DIAGRAM_BYTES_PER_ROW },
    (_, i) => `<th>${DIAGRAM_BYTES_PER_ROW - 1 - i}</th>`,
  ).join('');
  out.push(`<tr class="bitnums"><th></th>${header}</tr>`);
  for (let base = 0; base < size; base += DIAGRAM_BYTES_PER_ROW) {
    const top = Math.min(size, base + DIAGRAM_BYTES_PER_ROW) - 1;
    const cells: string[] = [];
    for (let b = base + DIAGRAM_BYTES_PER_ROW - 1; b > top; b--)
      cells.push('<td class="none"></td>');
    let b = top;
    while (b >= base) {
      const f = rows.find((r) => r.offset <= b && r.offset + r.size - 1 >= b);
      if (!f) {
        cells.push('<td class="rsvd"></td>');
        b--;
        continue;
      }
      const bottom = Math.max(f.offset, base);
      const span = b - bottom + 1;
      const narrow = f.name.length > span * 7 ? ' narrow' : '';
      cells.push(
        `<td colspan="${span}" class="field${narrow}" title="${esc(`${f.name} ${f.type} @ ${f.offset}${f.bits ? ` { ${f.bits} }` : ''}`)}"><span>${esc(f.name)}</span></td>`,
      );
      b = bottom - 1;
    }
    out.push(`<tr class="bitfields"><th class="rowlabel">+${base}</th>${cells.join('')}</tr>`);
  }
  return `<table class="diagram bytes">${out.join('')}</table>`;
}

function descriptorSection(ir: Device): string {
  return ir.descriptors
    .flatMap((d) =>
      descriptorLayoutDocs(d).map((layout) => {
        const ref = sectionRef(d.ref);
        const rows = layout.rows
          .map(
            (r) =>
              `<tr><td class="bits">${esc(r.bytes)}</td><td><code>${esc(r.name)}</code></td><td>${r.type}</td><td>${esc(r.bits)}</td><td>${esc(r.description)}</td></tr>`,
          )
          .join('\n');
        return `<section class="desc" id="${layout.id}" data-search="${searchText(layout.title, d.doc, layout.rows.map((r) => `${r.name} ${r.bits}`).join(' '))}">
<h3><a href="#${layout.id}">${esc(layout.title)}</a> <span class="summary">${d.size} bytes${d.doc ? ` — ${esc(firstSentence(d.doc))}` : ''}${ref ? ` (${esc(ref)})` : ''}</span></h3>
${moreDoc(d.doc)}${byteDiagram(d.size, layout.rows)}
<table class="fields"><thead><tr><th>Bytes</th><th>Field</th><th>Type</th><th>Bits</th><th>Description</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
      }),
    )
    .join('\n');
}

function ringSection(ir: Device): string {
  return ir.rings
    .map((r) => {
      const ref = sectionRef(r.ref);
      return `<section class="ring" id="ring-${r.name}" data-search="${searchText('ring', r.name, r.doc, r.descriptor, ...Object.values(r.registers))}">
<h3><a href="#ring-${r.name}">${esc(r.name)}</a> <span class="summary">${esc(firstSentence(r.doc) || `${r.direction} ring`)}${ref ? ` (${esc(ref)})` : ''}</span></h3>
${moreDoc(r.doc)}<ul class="rules">${ringRules(ir, r)
        .map((x) => `<li>${esc(x)}</li>`)
        .join('')}</ul>
</section>`;
    })
    .join('\n');
}

/** Register and sequence names in an (escaped) step, turned into links to their sections. */
function linkNames(text: string, links: Map<string, string>): string {
  return text.replace(/\b[A-Za-z_][A-Za-z0-9_]*\b/g, (word) => {
    const id = links.get(word);
    return id ? `<a href="#${id}">${word}</a>` : word;
  });
}

function sequenceSection(ir: Device): string {
  const links = new Map<string, string>();
  for (const r of ir.registers) if (r.space === undefined) links.set(r.name, registerId(r));
  for (const s of ir.sequences) links.set(s.name, `seq-${s.name}`);
  return ir.sequences
    .map((s) => {
      const ref = sectionRef(s.ref);
      const steps = s.steps
        .map((st) => `<li><code>${linkNames(esc(describeStep(st)), links)}</code></li>`)
        .join('');
      return `<section class="seq" id="seq-${s.name}" data-search="${searchText('sequence', s.name, s.doc, s.steps.map(describeStep).join(' '))}">
<h3><a href="#seq-${s.name}">${esc(s.name)}</a>${s.params.length > 0 ? `<span class="dim">(${esc(s.params.join(', '))})</span>` : ''} <span class="summary">${esc(firstSentence(s.doc))}${ref ? ` (${esc(ref)})` : ''}</span></h3>
${moreDoc(s.doc)}<ol class="steps">${steps}</ol>
</section>`;
    })
    .join('\n');
}

function nav(ir: Device, regs: ReturnType<typeof registerDocs>): string {
  const link = (id: string, text: string, search: string) =>
    `<li data-search="${search}"><a href="#${id}">${esc(text)}</a></li>`;
  const groups: string[] = [];
  groups.push(
    `<h4><a href="#map">Register map</a></h4><ul>${regs.bar.map((d) => link(d.id, d.reg.name, searchText(d.reg.name, d.reg.doc, d.reg.fields.map((f) => f.name).join(' ')))).join('')}</ul>`,
  );
  for (const s of regs.spaces) {
    groups.push(
      `<h4><a href="#space-${s.name}">Space ${esc(s.name)}</a></h4><ul>${s.regs.map((d) => link(d.id, d.reg.name, searchText(d.reg.name, d.reg.doc))).join('')}</ul>`,
    );
  }
  if (ir.descriptors.length > 0) {
    groups.push(
      `<h4><a href="#descriptors">Descriptors</a></h4><ul>${ir.descriptors.flatMap((d) => descriptorLayoutDocs(d).map((l) => link(l.id, l.title, searchText(l.title)))).join('')}</ul>`,
    );
  }
  if (ir.rings.length > 0)
    groups.push(
      `<h4><a href="#rings">Rings</a></h4><ul>${ir.rings.map((r) => link(`ring-${r.name}`, r.name, searchText('ring', r.name))).join('')}</ul>`,
    );
  if (ir.sequences.length > 0) {
    groups.push(
      `<h4><a href="#sequences">Sequences</a></h4><ul>${ir.sequences.map((s) => link(`seq-${s.name}`, s.name, searchText('sequence', s.name))).join('')}</ul>`,
    );
  }
  if (ir.constants.length > 0) groups.push('<h4><a href="#constants">Constants</a></h4>');
  return groups.join('\n');
}

function constantsSection(ir: Device): string {
  if (ir.constants.length === 0) return '';
  const rows = ir.constants
    .map(
      (c) =>
        `<tr data-search="${searchText(c.name, c.doc)}"><td><code>${esc(c.name)}</code></td><td><code>${c.value}${c.value > 9 ? ` (${hex(c.value, 1)})` : ''}</code></td><td>${esc(oneLine(c.doc))}</td></tr>`,
    )
    .join('\n');
  return `<h2 id="constants">Constants</h2><table class="map"><thead><tr><th>Name</th><th>Value</th><th>Description</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

export function generateHtml(spec: Device): string {
  const ir = normalize(spec);
  const regs = registerDocs(ir);
  const facts: string[] = [];
  if (ir.ref) facts.push(`Reference: ${esc(ir.ref)}`);
  if (ir.pci.length > 0)
    facts.push(
      `PCI ${ir.pci.map((p) => `${hex(p.vendor, 4, false)}:${hex(p.device, 4, false)}${p.name ? ` (${esc(p.name)})` : ''}`).join(', ')}`,
    );
  for (const b of ir.bars) facts.push(`BAR ${b.index}: ${b.kind}, ${b.size / 1024} KiB`);
  const spaces = regs.spaces
    .map(
      (s) =>
        `<h2 id="space-${s.name}">Space ${esc(s.name)}</h2><p>${esc(s.doc)} ${s.width}-bit registers, numbered; reached through access registers, not MMIO.</p>\n${s.regs.map(registerSection).join('\n')}`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<!-- ${esc(headerText(ir))} -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(ir.name)} — register reference</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<nav id="nav">
<div class="brand"><a href="#top">${esc(ir.name)}</a></div>
<input id="search" type="search" placeholder="Search registers, fields… ( / )" autocomplete="off" aria-label="Search">
<p id="hits" class="dim"></p>
${nav(ir, regs)}
</nav>
<main id="top">
<header><h1>${esc(ir.name)}</h1>${ir.doc ? `<p class="lead">${esc(ir.doc.trim())}</p>` : ''}<p class="facts">${facts.join(' · ')}</p>
<p class="dim small">${esc(headerText(ir))}</p></header>
<h2 id="map">Register map</h2>
${registerMap(regs.bar)}
<h2 id="registers">Registers</h2>
${regs.bar.map(registerSection).join('\n')}
${spaces}
${ir.descriptors.length > 0 ? `<h2 id="descriptors">Descriptors</h2>\n${descriptorSection(ir)}` : ''}
${ir.rings.length > 0 ? `<h2 id="rings">Rings</h2>\n${ringSection(ir)}` : ''}
${ir.sequences.length > 0 ? `<h2 id="sequences">Sequences</h2>\n${sequenceSection(ir)}` : ''}
${constantsSection(ir)}
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
