import type { SizeReport } from '../analyses/size/model.js';
import type { SizeTree } from '../analyses/size/tree.js';

import { escapeHtml, scriptJson } from './escape.js';

/**
 * One self-contained page (no network): a squarified treemap that zooms module → package →
 * function on click, shows sizes on hover, and a searchable package table.
 */
export function renderSizeHtml(r: SizeReport, tree: SizeTree): string {
  const data = { tree, packages: r.packages, fileSize: r.fileSize, path: r.path, advice: r.advice ?? [] };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>goready size: ${escapeHtml(r.path)}</title>
<style>
  body { font: 13px system-ui, sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 16px; margin: 0 0 8px; }
  #crumbs { margin: 6px 0; } #crumbs a { color: #06c; cursor: pointer; text-decoration: underline; }
  #map { position: relative; width: 100%; height: 520px; background: #eee; overflow: hidden; }
  .cell { position: absolute; box-sizing: border-box; border: 1px solid #fff; overflow: hidden; padding: 2px 4px; color: #111; font-size: 11px; line-height: 1.2; }
  .cell.zoom { cursor: zoom-in; }
  .cell:hover { outline: 2px solid #000; z-index: 1; }
  #info { min-height: 1.4em; margin: 6px 0; font-family: ui-monospace, monospace; }
  table { border-collapse: collapse; margin-top: 12px; } td, th { padding: 2px 8px; text-align: left; } td.n { text-align: right; font-family: ui-monospace, monospace; }
  tr:nth-child(even) { background: #f6f6f6; }
</style>
</head>
<body>
<h1>${escapeHtml(r.path)}: ${r.fileSize} bytes</h1>
<div id="crumbs"></div>
<div id="map" role="img" aria-label="treemap of the binary's bytes"></div>
<div id="info">Hover a rectangle for its size; click to zoom in.</div>
<ul id="advice"></ul>
<label>Search packages <input id="search" type="search" placeholder="package or module"></label>
<table id="table"><thead><tr><th>package</th><th>module</th><th>code</th><th>data</th><th>total</th><th>%</th></tr></thead><tbody></tbody></table>
<script id="data" type="application/json">${scriptJson(data)}</script>
<script>
'use strict';
const D = JSON.parse(document.getElementById('data').textContent);
const map = document.getElementById('map');
const info = document.getElementById('info');
const crumbs = document.getElementById('crumbs');
const pct = (n) => (100 * n / D.fileSize).toFixed(2) + '%';
const hue = (s) => { let h = 0; for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0; return h % 360; };

// Squarified treemap (Bruls, Huizing, van Wijk): rows of children laid along the shorter side.
function squarify(items, x, y, w, h) {
  const out = [];
  const total = items.reduce((a, i) => a + i.bytes, 0);
  if (total <= 0 || w <= 0 || h <= 0) return out;
  const scale = (w * h) / total;
  let rest = items.filter((i) => i.bytes > 0).map((i) => ({ node: i, area: i.bytes * scale }));
  while (rest.length) {
    const side = Math.min(w, h);
    let row = [rest[0]];
    let worst = ratio(row, side);
    let k = 1;
    while (k < rest.length) {
      const next = ratio([...row, rest[k]], side);
      if (next > worst) break;
      row.push(rest[k]); worst = next; k++;
    }
    rest = rest.slice(k);
    const area = row.reduce((a, r) => a + r.area, 0);
    const thick = area / side;
    let off = 0;
    for (const r of row) {
      const len = r.area / thick;
      if (w >= h) out.push({ node: r.node, x, y: y + off, w: thick, h: len });
      else out.push({ node: r.node, x: x + off, y, w: len, h: thick });
      off += len;
    }
    if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
  }
  return out;
}
function ratio(row, side) {
  const s = row.reduce((a, r) => a + r.area, 0);
  const max = Math.max(...row.map((r) => r.area)), min = Math.min(...row.map((r) => r.area));
  return Math.max((side * side * max) / (s * s), (s * s) / (side * side * min));
}

let path = [D.tree];
function draw() {
  const node = path[path.length - 1];
  map.textContent = '';
  const rect = map.getBoundingClientRect();
  const kids = (node.children || [node]).slice(0, 2000);
  for (const c of squarify(kids, 0, 0, rect.width, rect.height)) {
    const d = document.createElement('div');
    d.className = 'cell' + (c.node.children ? ' zoom' : '');
    Object.assign(d.style, { left: c.x + 'px', top: c.y + 'px', width: c.w + 'px', height: c.h + 'px', background: 'hsl(' + hue(c.node.name) + ',55%,' + (c.node.name.startsWith('<') ? 85 : 72) + '%)' });
    d.dataset.name = c.node.name;
    if (c.w > 40 && c.h > 14) d.textContent = c.node.name;
    d.title = c.node.name + ': ' + c.node.bytes + ' bytes (' + pct(c.node.bytes) + ')';
    d.addEventListener('mouseenter', () => { info.textContent = c.node.name + ' — ' + c.node.bytes + ' bytes, ' + pct(c.node.bytes) + ' of the file'; });
    if (c.node.children) d.addEventListener('click', () => { path.push(c.node); draw(); });
    map.appendChild(d);
  }
  crumbs.textContent = '';
  path.forEach((p, i) => {
    if (i) crumbs.append(' › ');
    const a = document.createElement('a');
    a.textContent = i ? p.name : 'all (' + D.fileSize + ' bytes)';
    a.addEventListener('click', () => { path = path.slice(0, i + 1); draw(); });
    crumbs.appendChild(a);
  });
}

const tbody = document.querySelector('#table tbody');
for (const p of D.packages) {
  const tr = document.createElement('tr');
  const total = p.codeBytes + p.dataBytes;
  for (const [v, n] of [[p.name], [p.module], [p.codeBytes, 1], [p.dataBytes, 1], [total, 1], [pct(total), 1]]) {
    const td = document.createElement('td');
    td.textContent = String(v);
    if (n) td.className = 'n';
    tr.appendChild(td);
  }
  tr.dataset.key = (p.name + ' ' + p.module).toLowerCase();
  tbody.appendChild(tr);
}
document.getElementById('search').addEventListener('input', (e) => {
  const q = e.target.value.toLowerCase();
  for (const tr of tbody.children) tr.hidden = !!q && !tr.dataset.key.includes(q);
});
const adv = document.getElementById('advice');
for (const a of D.advice) { const li = document.createElement('li'); li.textContent = a.id + ' ' + a.title + ': ' + a.detail; adv.appendChild(li); }
window.addEventListener('resize', draw);
draw();
</script>
</body>
</html>
`;
}
