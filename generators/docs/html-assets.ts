/**
 * The HTML page's inline style and script (kept apart from the markup builder so each
 * stays readable). No external fonts, scripts or images: the page works offline.
 */

export const PAGE_STYLE = `
:root { --fg:#1d232a; --dim:#6b7580; --bg:#fff; --panel:#f5f7f9; --line:#d8dee4; --accent:#0b5cad;
  --field:#e4effb; --field-line:#8fb3dd; --rsvd:#eceff2; --warn:#fff6e0; --warn-line:#e0b54a; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#dde3ea; --dim:#8d98a5; --bg:#14181d; --panel:#1b2128; --line:#313a44; --accent:#6cb0ff;
    --field:#1d3350; --field-line:#3e6ea6; --rsvd:#242b33; --warn:#3a3020; --warn-line:#9c7a2c; }
}
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); display:flex; }
code, .bits, .where, .diagram { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size:12.5px; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
nav { position:sticky; top:0; height:100vh; overflow-y:auto; width:250px; flex:none; padding:14px 14px 40px; background:var(--panel); border-right:1px solid var(--line); }
nav .brand { font-weight:700; font-size:17px; margin-bottom:10px; }
nav h4 { margin:14px 0 4px; font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
nav ul { list-style:none; margin:0; padding:0; columns:2; column-gap:8px; }
nav li { font-family: ui-monospace, Menlo, Consolas, monospace; font-size:12px; padding:1px 0; break-inside:avoid; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
#search { width:100%; padding:6px 8px; border:1px solid var(--line); border-radius:5px; background:var(--bg); color:var(--fg); font-size:13px; }
#hits { margin:4px 0 0; min-height:1em; font-size:12px; }
main { flex:1; min-width:0; padding:18px 32px 80px; max-width:1180px; }
h1 { margin:0 0 4px; font-size:28px; }
h2 { margin:34px 0 10px; padding-bottom:4px; border-bottom:2px solid var(--line); font-size:21px; }
h3 { margin:0 0 4px; font-size:16px; font-family: ui-monospace, Menlo, Consolas, monospace; }
h3 .summary { font-family: system-ui, sans-serif; font-weight:400; color:var(--dim); }
.lead { margin:0 0 6px; font-size:15px; white-space:pre-line; }
.dim { color:var(--dim); } .small { font-size:12px; }
.facts { margin:2px 0 8px; color:var(--dim); }
section { margin:0 0 14px; padding:12px 14px; border:1px solid var(--line); border-radius:6px; scroll-margin-top:10px; }
section:target { border-color:var(--accent); box-shadow:0 0 0 2px color-mix(in srgb, var(--accent) 25%, transparent); }
section > p { margin:4px 0 8px; }
.note { background:var(--warn); border-left:3px solid var(--warn-line); padding:4px 8px; border-radius:3px; }
table { border-collapse:collapse; width:100%; margin:6px 0 2px; }
th, td { border:1px solid var(--line); padding:3px 7px; text-align:left; vertical-align:top; }
thead th { background:var(--panel); font-weight:600; }
table.map td:first-child, table.fields td.bits { white-space:nowrap; }
tr.rsvd td { color:var(--dim); background:var(--rsvd); }
abbr { text-decoration:underline dotted; cursor:help; }
ul.enum { margin:3px 0 0; padding-left:16px; }
ul.rules { margin:4px 0; padding-left:20px; } ol.steps { margin:4px 0; padding-left:28px; }
table.diagram { table-layout:fixed; width:100%; margin:8px 0 10px; }
table.diagram th { font-weight:400; color:var(--dim); font-size:11px; text-align:center; border:none; padding:0 0 1px; background:none; }
table.diagram td { height:34px; text-align:center; vertical-align:middle; padding:1px 2px; overflow:hidden; white-space:nowrap; text-overflow:ellipsis; font-size:12px; }
table.diagram td.field { background:var(--field); border:1px solid var(--field-line); }
table.diagram td.rsvd { background:var(--rsvd); }
table.diagram td.none { border:none; }
table.diagram td.narrow { white-space:normal; line-height:1.05; }
table.diagram td.narrow span { display:inline-block; font-size:10px; letter-spacing:-.02em; overflow-wrap:anywhere; }
table.diagram tr.bitfields + tr.bitnums th { padding-top:8px; }
table.diagram.bytes { max-width:760px; }
table.diagram .rowlabel { width:36px; color:var(--dim); font-size:11px; text-align:right; padding-right:6px; border:none; background:none; }
[hidden] { display:none !important; }
@media (max-width: 800px) { body { display:block; } nav { position:static; height:auto; width:auto; } main { padding:12px; } }
`;

/**
 * Search: every element with data-search is hidden unless it contains all the words
 * typed (case-insensitive); section headings with nothing left under them hide too.
 * "/" focuses the box, Escape clears it; `?q=words` in the address pre-fills it.
 */
export const PAGE_SCRIPT = `
(function () {
  var box = document.getElementById('search');
  var hits = document.getElementById('hits');
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-search]'));
  function apply() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (el) {
      var text = el.getAttribute('data-search');
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      el.hidden = !ok;
      if (ok && el.tagName === 'SECTION') shown++;
    });
    hits.textContent = words.length ? shown + ' matching section' + (shown === 1 ? '' : 's') : '';
  }
  box.addEventListener('input', apply);
  // A search can be linked: page.html?q=rctl+bsize
  var q = new URLSearchParams(location.search).get('q');
  if (q) { box.value = q; apply(); }
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== box) { e.preventDefault(); box.focus(); box.select(); }
    else if (e.key === 'Escape' && document.activeElement === box) { box.value = ''; apply(); box.blur(); }
  });
})();
`;
