/**
 * NDL101: a name declared twice in one namespace. Registers and counters share one,
 * as do the fields of a register, the values of an enum, the fields of a descriptor
 * layout, the bits of a descriptor field and the parameters of a sequence. Fieldsets
 * have their own; a register's own fields share one with the fieldset it names.
 */
import type { Ident, Span } from '../../dsl/ast.js';
import { diag } from '../../dsl/diagnostics.js';
import type { Check, CheckContext } from '../model.js';

export const duplicateNames: Check = {
  name: 'duplicate-names',
  run(ctx) {
    const { model } = ctx;
    const dup = duplicates(ctx);
    dup(
      'register',
      model.registers.map((r) => r.node.name),
    );
    dup(
      'constant',
      model.constants.map((c) => c.node.name),
    );
    dup(
      'register space',
      model.spaces.map((s) => s.node.name),
    );
    dup(
      'descriptor',
      model.descriptors.map((d) => d.node.name),
    );
    dup(
      'fieldset',
      model.fieldsets.map((s) => s.node.name),
    );
    for (const s of model.fieldsets) {
      const owner = `fieldset '${s.node.name.name}'`;
      dup(
        'field',
        s.node.fields.map((f) => f.name),
        owner,
      );
      for (const f of s.node.fields) enumValues(dup, f.mods, `field '${f.name.name}' of ${owner}`);
    }
    dup(
      'ring',
      model.rings.map((r) => r.node.name),
    );
    dup(
      'sequence',
      model.sequences.map((s) => s.node.name),
    );
    for (const r of model.registers) {
      // Shared fields first, each name once (repeats inside the fieldset are its own error).
      const shared = new Map<string, Ident>();
      for (const f of r.fields)
        if (f.via && !shared.has(f.ir.name)) shared.set(f.ir.name, f.node.name);
      dup(
        'field',
        [...shared.values(), ...(r.node.fields ?? []).map((f) => f.name)],
        `register '${r.ir.name}'`,
      );
      for (const f of r.node.fields ?? [])
        enumValues(dup, f.mods, `field '${r.ir.name}.${f.name.name}'`);
    }
    for (const d of model.descriptors) {
      const layouts = d.node.layouts?.map((l) => l.fields) ?? [d.node.fields ?? []];
      for (const fields of layouts) {
        dup(
          'field',
          fields.map((f) => f.name),
          `descriptor '${d.ir.name}'`,
        );
        for (const f of fields) {
          dup(
            'bit field',
            (f.bits ?? []).map((b) => b.name),
            `'${d.ir.name}.${f.name.name}'`,
          );
          for (const b of f.bits ?? [])
            enumValues(dup, b.mods, `'${d.ir.name}.${f.name.name}.${b.name.name}'`);
        }
      }
    }
    for (const s of model.sequences) dup('parameter', s.node.params, `sequence '${s.ir.name}'`);
  },
};

type Dup = (what: string, names: readonly Ident[], owner?: string) => void;

function enumValues(
  dup: Dup,
  mods: ReadonlyArray<{ kind: string; values?: Array<{ name: Ident }> }>,
  owner: string,
): void {
  for (const m of mods)
    if (m.kind === 'enum' && m.values)
      dup(
        'enum value',
        m.values.map((v) => v.name),
        owner,
      );
}

function duplicates(ctx: CheckContext): Dup {
  return (what, names, owner) => {
    const first = new Map<string, Span>();
    for (const id of names) {
      const prev = first.get(id.name);
      if (prev)
        ctx.report(
          diag(
            'NDL101',
            id.loc,
            { what, name: id.name, owner: owner ? ` in ${owner}` : '' },
            { notes: [{ message: 'first declared here', span: prev }] },
          ),
        );
      else first.set(id.name, id.loc);
    }
  };
}
