/** The page's shell: navigation and the route's page. Fleet pages appear only when a server is behind the page. */
import { AnalysePage } from './analysis/analyse-page.js';
import { BinariesPage } from './fleet/binaries-page.js';
import { BinaryPage } from './fleet/binary-page.js';
import { ComparePage } from './fleet/compare-page.js';
import { HostPage } from './fleet/host-page.js';
import { HostsPage } from './fleet/hosts-page.js';
import { MatrixPage } from './fleet/matrix-page.js';
import { SearchPage } from './fleet/search-page.js';
import { href, type Route, useRoute } from './router.js';
import { fleetServer } from './server.js';

const FLEET = [
  ['hosts', 'Hosts'],
  ['binaries', 'Binaries'],
  ['matrix', 'Matrix'],
  ['compare', 'Compare'],
  ['search', 'Search'],
] as const;

function Page({ route, served }: { route: Route; served: boolean }) {
  const [top, name] = route.parts;
  if (!top || top === 'analyse') return <AnalysePage />;
  if (!served) {
    return (
      <main>
        <p class="none">
          The fleet pages need a fleet server: run <code>goready serve</code> and open the address it prints. This copy of the page analyses binaries on its
          own.
        </p>
      </main>
    );
  }
  const q = (k: string) => route.query.get(k);
  switch (top) {
    case 'hosts':
      return name ? <HostPage name={name} /> : <HostsPage />;
    case 'binaries':
      return name ? <BinaryPage name={name} /> : <BinariesPage />;
    case 'matrix':
      return <MatrixPage binary={q('binary')} host={q('host')} />;
    case 'compare':
      return <ComparePage a={q('a')} b={q('b')} />;
    case 'search':
      return <SearchPage q={q('q')} />;
    default:
      return (
        <main>
          <p class="error">No such page.</p>
        </main>
      );
  }
}

export function App() {
  const route = useRoute();
  const served = fleetServer() !== null;
  const top = route.parts[0] ?? 'analyse';
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          goready
        </a>
        <nav>
          <a href="#/" aria-current={top === 'analyse' ? 'page' : undefined}>
            Analyse
          </a>
          {served &&
            FLEET.map(([path, label]) => (
              <a key={path} href={href([path])} aria-current={top === path ? 'page' : undefined}>
                {label}
              </a>
            ))}
        </nav>
        <span class="version">v{__GOREADY_VERSION__}</span>
      </header>
      <Page route={route} served={served} />
    </>
  );
}
