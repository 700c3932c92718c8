// Who may import what in src/ (`npm run lint:imports`). Layers point down only:
//   composition roots -> plugins, schema, context -> services -> datasources -> leaves.
// A module matches exactly one layer below; one that matches none fails `no-unlayered-module`, so a
// new top-level file or folder is placed here, in a layer, rather than escaping the rules.

/** main/server/app/worker/cli/seed, the WebSocket wiring and the GraphiQL page: they build the rest and may import it all. */
const ROOTS = '^src/((main|server|app|worker|cli|seed|websocket|websocket-log)[.]ts$|seed/|graphiql/)';
/** The GraphQL layer: Yoga/envelop plugins, the Pothos schema, the request context and its loaders. */
const API = '^src/(plugins/|schema/|(context|loaders|mask-error)[.]ts$|context/|loaders/)';
/** Domain rules; backup/restore works on the ports as a service does. */
const SERVICES = '^src/(services|backup)/';
const DATASOURCES = '^src/datasources/';
const PORTS = '^src/datasources/ports/';
/** Modules that import nothing of src/ but each other: settings, errors, logging and small generic tools. */
const LEAVES = '^src/(config|errors|logger|serializer|redis-url|outage-log|event-queue|trace-context)[.]ts$';

/** graphql, graphql-yoga, graphql-ws, graphql-scalars, @graphql-yoga/*, @pothos/*, @envelop/*... */
const GRAPHQL_PACKAGES =
  '(^|/)node_modules/(graphql[^/]*|@graphql-[^/]+/[^/]+|@pothos/[^/]+|@envelop/[^/]+)/';

/** A driver package may be imported only by its own family of adapters. */
function driverRule(pkg, family) {
  return {
    name: `${pkg.replace(/[^a-z]/g, '')}-only-in-${family}`,
    comment: `${pkg} is imported only under src/datasources/${family}/: its types stop at the adapter.`,
    severity: 'error',
    from: { path: '^src/', pathNot: `^src/datasources/${family}/` },
    to: { path: `(^|/)node_modules/${pkg}/` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-unlayered-module',
      comment: 'Every module of src/ belongs to a layer of .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^src/', pathNot: [ROOTS, API, SERVICES, DATASOURCES, LEAVES] },
      to: {},
    },
    {
      name: 'no-import-of-roots',
      comment: 'Only a composition root imports another one (app.ts, server.ts, main.ts...).',
      severity: 'error',
      from: { path: '^src/', pathNot: ROOTS },
      to: { path: ROOTS },
    },
    {
      name: 'api-only-datasource-ports',
      comment: 'Plugins, schema and context reach data through services; of datasources, only port types.',
      severity: 'error',
      from: { path: API },
      to: { path: DATASOURCES, pathNot: PORTS },
    },
    {
      name: 'services-not-up',
      comment: 'Services never import the GraphQL layer above them.',
      severity: 'error',
      from: { path: SERVICES },
      to: { path: API },
    },
    {
      name: 'services-only-datasource-ports',
      comment: 'Services see the ports, never an implementation family or the factories that pick one.',
      severity: 'error',
      from: { path: SERVICES },
      to: { path: DATASOURCES, pathNot: PORTS },
    },
    {
      name: 'datasources-not-up',
      comment: 'Datasources import only leaves and each other.',
      severity: 'error',
      from: { path: DATASOURCES },
      to: { path: [API, SERVICES] },
    },
    {
      name: 'ports-are-interfaces',
      comment: 'A port file declares an interface and plain records: it imports no adapter or factory.',
      severity: 'error',
      from: { path: PORTS },
      to: { path: DATASOURCES, pathNot: PORTS },
    },
    {
      name: 'leaves-are-leaves',
      comment: 'config, errors, logger and serializer import nothing of src/ above them.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^src/', pathNot: LEAVES },
    },
    {
      name: 'no-graphql-below-services',
      comment: 'Services and datasources throw AppError kinds; GraphQL, Pothos and Yoga stay above them.',
      severity: 'error',
      from: { path: [SERVICES, DATASOURCES] },
      to: { path: GRAPHQL_PACKAGES },
    },
    driverRule('mongodb', 'mongo'),
    driverRule('ioredis', 'redis'),
    driverRule('bullmq', 'redis'),
    driverRule('mingo', 'memory'),
    {
      name: 'no-circular',
      comment: 'No import cycles.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-dev-dependency-in-src',
      comment: 'src/ runs in production, where devDependencies are not installed.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      comment: 'Every import resolves (a rule over a path it cannot resolve would check nothing).',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that names a type of the layer above depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve package subpaths (`graphql-ws/use/ws`) through their `exports`, as Node does.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
