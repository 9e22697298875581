/** All roles in one process (default), or the roles named by --roles; `smsmesh keys …` manages run-time API keys. */
import { runKeysCommand } from '../internal/app/keys-command.js';
import { runProcess, selectRoles } from '../internal/app/process.js';

if (process.argv[2] === 'keys') {
  process.exitCode = await runKeysCommand(process.argv.slice(3));
} else {
  const roles = selectRoles(process.argv.slice(2));
  await runProcess({
    name: roles.all ? 'all' : [...roles.set].join('+'),
    usage:
      'Usage: smsmesh [--roles edge,connector,status-writer,callbacks] [--embedded-database] [--help]\n' +
      '       smsmesh keys create|list|revoke …   (run-time API keys; smsmesh keys --help)\n\n' +
      'Runs the HTTP edge, the SMPP connector, the status (DLR) writer and the callback worker in one process, or only the roles named.\n' +
      'All roles without DATABASE_URL use an embedded database (local use); a subset with the status writer needs\n' +
      'DATABASE_URL, or --embedded-database to use the embedded one anyway (local use: its data stays with this process).',
    roles: roles.set,
    allInOne: roles.all,
    embeddedOption: 'embedded-database',
    options: { roles: { type: 'string' }, 'embedded-database': { type: 'boolean' } },
  });
}
