/**
 * Generic traversal of the syntax tree: every object reachable from a node, parents
 * before children, in source order. Used by passes that care about one kind of node
 * wherever it sits (number literals, doc-carrying items).
 */
export function walk(node: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  visit(obj);
  for (const key in obj) {
    if (key === 'loc' || key === 'bodyLoc' || key === 'comments') continue;
    const v = obj[key];
    if (v !== null && typeof v === 'object') walk(v, visit);
  }
}
