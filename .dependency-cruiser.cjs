/**
 * The architecture, checked by `npm run deps` (part of `npm test`):
 *   - src/core is the pure, browser-safe analysis: no Node built-in, nothing from src/node or src/cli;
 *   - inside core, data flows one way through the stages below: a stage imports only earlier ones;
 *   - src/node (files, /proc, ssh, images, module cache) never imports the CLI;
 *   - src/server (the fleet server) uses core and node, never the CLI; only the CLI and tests start it;
 *   - web/ (the page) runs in the browser: it imports src/core (through src/index.ts) and its UI
 *     libraries, never Node, src/node, src/server or src/cli — but the API's types (src/server/api-types.ts);
 *   - no import cycles anywhere.
 */

/** The core's stages in pipeline order; a module may import its own stage and earlier ones. */
// source: Go source files (tree-sitter syntax → packages, struct layouts, atomic accesses); needs no binary stage.
const STAGES = ['io', 'object', 'image', 'linux', 'go', 'code', 'source', 'facts', 'checks', 'analyses', 'render'];

const stageRules = STAGES.slice(0, -1).map((stage, i) => ({
  name: `core-${stage}-not-later`,
  comment: `core/${stage} comes before ${STAGES.slice(i + 1).join(', ')} in the pipeline and must not import them`,
  severity: 'error',
  from: { path: `^src/core/${stage}/` },
  to: { path: `^src/core/(${STAGES.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles make load order and ownership unclear; move the shared piece down a stage.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-no-node-builtins',
      comment: 'src/core runs in the browser: Node APIs belong in src/node.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-not-to-edges',
      comment: 'src/core is the pure analysis: it never imports the Node edge or the CLI.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(node|cli)/|^src/node\\.ts$' },
    },
    {
      name: 'browser-entry-stays-in-core',
      comment: 'src/index.ts is the browser entry point: only src/core is reachable from it.',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/(node|cli)/|^src/node\\.ts$' },
    },
    {
      name: 'node-not-to-cli',
      comment: 'The Node edge is a library (goready/node); the CLI uses it, not the other way round.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'core-root-is-shared',
      comment: 'Files directly in src/core (errors) are shared by every stage and import no stage.',
      severity: 'error',
      from: { path: '^src/core/[^/]+\\.ts$' },
      to: { path: `^src/core/(${STAGES.join('|')})/` },
    },
    {
      name: 'collectors-produce-facts',
      comment: 'The host collector and the image reader produce facts; they never import checks, analyses or renderers.',
      severity: 'error',
      from: { path: '^src/node/(host|image)/' },
      to: { path: '^src/core/(checks|analyses|render)/' },
    },
    {
      name: 'server-not-to-cli',
      comment: 'The fleet server is started by the CLI (goready serve); it never imports a command.',
      severity: 'error',
      from: { path: '^src/server/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'only-cli-starts-server',
      comment: 'Core and the Node library do not depend on the server.',
      severity: 'error',
      from: { path: '^src/(core|node)/|^src/(index|node)\\.ts$' },
      to: { path: '^src/server/' },
    },
    {
      name: 'web-is-browser-only',
      comment: 'The page runs in the browser (and as a static site): Node built-ins, the Node edge, the server and the CLI are out of reach.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/(node|server|cli)/|^src/node\\.ts$', pathNot: '^src/server/api-types\\.ts$' },
    },
    {
      name: 'api-types-are-shared',
      comment: 'src/server/api-types.ts describes the API for the server and the page alike: it imports only core types.',
      severity: 'error',
      from: { path: '^src/server/api-types\\.ts$' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'web-no-node-builtins',
      comment: 'The page runs in the browser.',
      severity: 'error',
      from: { path: '^web/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'web-uses-public-core',
      comment: 'The page consumes the library the way users do: through src/index.ts, not core internals.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/core/' },
    },
    ...stageRules,
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves, but the page\'s build-time modules (web/vite.config.ts makes virtual:snapshot-validator and the worker\'s virtual:iced-x86).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^virtual:(snapshot-validator|iced-x86)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    // Type-only imports count: a type cycle is still a design cycle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
