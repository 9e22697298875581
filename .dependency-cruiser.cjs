/**
 * The layering of smsmesh, checked on every `make test` (`npm run lint:deps`). Imports run one way:
 * cmd → internal/app → the roles' domains → bus, smpp, db → routing, sms → core. Tools and tests may use the
 * product; the product never uses them. Each rule says why it exists.
 */
const DOMAIN = '^internal/(admin|api|app|bus|config|connector|core|db|frontdoor|inbound|ingest|log|metrics|natsapi|routing|schedule|sms|smpp|status)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make start-up order and module ownership ambiguous.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'nothing-imports-cmd',
      severity: 'error',
      comment: 'cmd/ holds composition roots only; logic others need lives under internal/ or tools/.',
      from: { pathNot: '^cmd/' },
      to: { path: '^cmd/' },
    },
    {
      name: 'cmd-entry-points-do-not-import-each-other',
      severity: 'error',
      comment: 'Each command wires its own process (the dlr-writer alias is the one exception, by design).',
      from: { path: '^cmd/', pathNot: '^cmd/dlr-writer\\.ts$' },
      to: { path: '^cmd/' },
    },
    {
      name: 'product-does-not-import-tools-or-tests',
      severity: 'error',
      comment: 'The gateway runs without the bench, simulator, dev stack or test support (the image has none of them).',
      from: { path: '^internal/' },
      to: { path: '^(tools|test)/' },
    },
    {
      name: 'gateway-commands-do-not-import-tools',
      severity: 'error',
      comment: 'The production build (tsconfig.build.json) contains the gateway commands and internal/ only.',
      from: { path: '^cmd/(smsmesh|edge|connector|status-writer|callbacks|dlr-writer|migrate)\\.ts$' },
      to: { path: '^tools/' },
    },
    {
      name: 'product-uses-no-dev-dependencies',
      severity: 'error',
      comment: 'Production installs omit devDependencies (npm ci --omit=dev): a runtime import of one fails there only.',
      from: { path: '^(internal|cmd)/', pathNot: ['\\.test\\.ts$', '/test-[^/]+\\.ts$', '^cmd/(bench|bench-bind|bench-list|loadgen|smsc-sim|dev|drills)\\.ts$'] },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'test-support-only-in-tests',
      severity: 'error',
      comment: 'internal/**/test-*.ts are fakes for unit tests; production code must not reach them.',
      from: { path: '^internal/', pathNot: ['\\.test\\.ts$', '/test-[^/]+\\.ts$'] },
      to: { path: '^internal/.*/test-[^/]+\\.ts$' },
    },
    {
      name: 'smpp-knows-nothing-of-the-gateway',
      severity: 'error',
      comment: 'The SMPP layer is a protocol library: the bus and the database meet it only in internal/connector (Kannel\'s driver / bearerbox split).',
      from: { path: '^internal/smpp/' },
      to: { path: DOMAIN, pathNot: '^internal/(smpp|core)/' },
    },
    {
      name: 'bus-knows-nothing-of-smpp-or-the-database',
      severity: 'error',
      comment: 'The bus carries domain messages; SMPP and SQL stay in their own layers.',
      from: { path: '^internal/bus/' },
      to: { path: '^internal/(smpp|db|status|inbound|connector|api|app|ingest|frontdoor|natsapi|schedule)/' },
    },
    {
      name: 'pure-domain-does-no-io',
      severity: 'error',
      comment: 'sms and routing are pure: no bus, database, SMPP session or HTTP.',
      from: { path: '^internal/(sms|routing|core)/' },
      to: { path: DOMAIN, pathNot: '^internal/(sms|routing|core)/' },
    },
    {
      name: 'domain-never-imports-http',
      severity: 'error',
      comment: 'The HTTP layer is one front door among several; the domain must not depend on it.',
      from: { path: '^internal/', pathNot: '^internal/(api|app)/' },
      to: { path: '^internal/api/' },
    },
    {
      name: 'domain-never-imports-the-nats-api',
      severity: 'error',
      comment: 'The NATS API is the other front door: a transport over internal/frontdoor, like internal/api, and nothing below uses it.',
      from: { path: '^internal/', pathNot: '^internal/(natsapi|app)/' },
      to: { path: '^internal/natsapi/' },
    },
    {
      name: 'transports-stay-apart',
      severity: 'error',
      comment: 'HTTP and NATS share the front door, never each other: what one does, the other gets through internal/frontdoor.',
      from: { path: '^internal/api/' },
      to: { path: '^internal/natsapi/' },
    },
    {
      name: 'only-cmd-imports-app',
      severity: 'error',
      comment: 'internal/app composes roles into processes; nothing below it may reach up.',
      from: { path: '^internal/', pathNot: '^internal/app/' },
      to: { path: '^internal/app/' },
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment: 'smsmesh/client is what other services import: it speaks the wire contract and must not drag the gateway in.',
      from: { path: '^client/' },
      to: { path: '^(internal|cmd|tools|test)/' },
    },
    {
      name: 'gateway-does-not-use-the-client',
      severity: 'error',
      comment: 'The client is for callers of the API; the gateway serves it.',
      from: { path: '^(internal|cmd)/' },
      to: { path: '^client/' },
    },
    {
      name: 'connector-and-writers-stay-apart',
      severity: 'error',
      comment: 'Connectors talk SMPP, writers talk SQL; they meet only through bus messages.',
      from: { path: '^internal/connector/' },
      to: { path: '^internal/(db|status|inbound|api|ingest|frontdoor|natsapi)/' },
    },
    {
      name: 'writers-know-no-smpp',
      severity: 'error',
      comment: 'The status and inbound writers work on domain events, never on PDUs or sessions.',
      from: { path: '^internal/(status|inbound)/' },
      to: { path: '^internal/(smpp|connector|api|ingest|frontdoor|natsapi|schedule)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
