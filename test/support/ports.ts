/** Free TCP ports from the OS, for servers a test starts itself. */
export { freePort } from '../../internal/devstack/free-port.js';
