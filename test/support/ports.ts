/** Free TCP ports from the OS, for servers a test starts itself. */
export { freePort } from '../../tools/devstack/free-port.js';
