/**
 * The size treemap: module → package → function, two levels at a time, laid out by d3-hierarchy's
 * squarified treemap. Click a box to zoom into it, the breadcrumbs to zoom out; hover for its size.
 */
import { type HierarchyRectangularNode, hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SizeTree } from '../../../src/index.js';
import { bytes, percent } from '../format.js';

/** Boxes drawn per level: beyond these the rest is one "(N more)" box, so the page stays fast on 60,000 functions. */
const MAX_CHILDREN = 150;
const MAX_GRANDCHILDREN = 40;

interface Box {
  name: string;
  bytes: number;
  /** The node of the full tree to zoom into; null for leaves and "(N more)" boxes. */
  node: SizeTree | null;
  children?: Box[];
}

/** The largest `max` children as boxes, the rest folded into one; sizes still add up to the parent's. */
function boxes(node: SizeTree, max: number, deeper: number | null): Box[] {
  const kids = [...(node.children ?? [])].sort((a, b) => b.bytes - a.bytes);
  const shown = kids.slice(0, max).map(
    (k): Box => ({
      name: k.name,
      bytes: k.bytes,
      node: k.children?.length ? k : null,
      ...(deeper !== null && k.children?.length ? { children: boxes(k, deeper, null) } : {}),
    }),
  );
  const rest = kids.slice(max);
  if (rest.length) shown.push({ name: `(${rest.length} more)`, bytes: rest.reduce((a, k) => a + k.bytes, 0), node: null });
  return shown;
}

function hue(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % 360;
}

export function Treemap({ tree, total }: { tree: SizeTree; total: number }) {
  const [path, setPath] = useState<SizeTree[]>([tree]);
  const [hover, setHover] = useState<string>('Hover a box for its size; click to zoom in.');
  const [width, setWidth] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const height = 480;
  const current = path[path.length - 1] as SizeTree;

  useEffect(() => setPath([tree]), [tree]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  const laid = useMemo(() => {
    if (!width) return [];
    const root = hierarchy<Box>({ name: current.name, bytes: current.bytes, node: current, children: boxes(current, MAX_CHILDREN, MAX_GRANDCHILDREN) })
      // A box with children counts through them; a leaf counts its own bytes.
      .sum((b) => (b.children?.length ? 0 : Math.max(0, b.bytes)))
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
    return treemap<Box>().tile(treemapSquarify).size([width, height]).paddingInner(1).paddingOuter(2).paddingTop(16).round(true)(root).descendants().slice(1);
  }, [current, width]);

  const zoom = (b: Box) => {
    if (b.node && b.node !== current) setPath([...path, b.node]);
  };
  const label = (d: HierarchyRectangularNode<Box>) =>
    `${d.data.name}: ${d.data.bytes.toLocaleString('en')} bytes (${bytes(d.data.bytes)}, ${percent(d.data.bytes, total)} of the file)`;

  return (
    <div class="treemap-wrap">
      <nav class="crumbs" aria-label="treemap zoom">
        {path.map((p, i) => (
          <span key={`${i}-${p.name}`}>
            {i > 0 && ' › '}
            <button type="button" class="link" data-depth={i} onClick={() => setPath(path.slice(0, i + 1))}>
              {i === 0 ? `all (${bytes(p.bytes)})` : p.name}
            </button>
          </span>
        ))}
      </nav>
      <div class="treemap" ref={ref} style={{ height: `${height}px` }} role="img" aria-label={`treemap of ${current.name}`}>
        {laid.map((d) => {
          const w = d.x1 - d.x0;
          const h = d.y1 - d.y0;
          if (w < 1 || h < 1) return null;
          const group = d.depth === 1;
          return (
            <button
              type="button"
              key={`${d.depth}-${d.data.name}-${d.x0}-${d.y0}`}
              class={`cell depth-${d.depth}${d.data.node ? ' zoom' : ''}`}
              data-name={d.data.name}
              data-depth={d.depth}
              title={label(d)}
              style={{
                left: `${d.x0}px`,
                top: `${d.y0}px`,
                width: `${w}px`,
                height: `${h}px`,
                background: `hsl(${hue(group ? d.data.name : (d.parent?.data.name ?? d.data.name))} 55% ${group ? 82 : d.data.name.startsWith('<') ? 88 : 72}%)`,
              }}
              onMouseEnter={() => setHover(label(d))}
              onFocus={() => setHover(label(d))}
              onClick={() => zoom(d.data.node ? d.data : (d.parent?.data ?? d.data))}
            >
              {w > 36 && h > 13 ? <span class="label">{d.data.name}</span> : ''}
            </button>
          );
        })}
      </div>
      <div class="treemap-info" aria-live="polite">
        {hover}
      </div>
    </div>
  );
}
