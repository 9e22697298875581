/** All roles in one process (default), or the roles named by --roles. */
import { startConnectorRole } from '../internal/app/connector-role.js';
import { startEdge } from '../internal/app/edge-role.js';
import { runProcess, selectRoles } from '../internal/app/process.js';
import { startStatusRole } from '../internal/app/status-role.js';

const roles = selectRoles(process.argv.slice(2));

await runProcess({
  name: roles.all ? 'all' : [...roles.set].join('+'),
  usage:
    'Usage: smsmesh [--roles edge,connector,status-writer] [--help]\n\n' +
    'Runs the HTTP edge, the SMPP connector and the status (DLR) writer in one process, or only the roles named.',
  withDatabase: roles.set.has('edge') || roles.set.has('status-writer'),
  options: { roles: { type: 'string' } },
  probePort: (config) => (roles.set.has('edge') ? config.port : undefined),
  async start(rt) {
    const stops = [];
    const writer = roles.set.has('status-writer') ? await startStatusRole(rt) : undefined;
    const connector = roles.set.has('connector') ? await startConnectorRole(rt) : undefined;
    const edge = roles.set.has('edge') ? await startEdge(rt) : undefined;
    if (edge) stops.push(edge);
    if (connector) stops.push({ stop: () => connector.stop(10_000) });
    if (writer) stops.push(writer);
    return stops;
  },
});
