#!/bin/sh
# The image's ENTRYPOINT: starts dist/cmd/entrypoint.js with the Node flags of the command it runs.
# V8 flags can be given only on node's command line (NODE_OPTIONS refuses them, a running process cannot take
# them), and one image runs every command, so this picks them: --single-threaded-gc for the single-role
# processes, which share cores with the other roles, nats-server and PostgreSQL; none for `all`, `migrate` and
# the rest. The choice is internal/app/node-flags.ts's; test/deploy/node-flags.test.ts holds this file to it.
# `exec` leaves node as the container's process, so it receives SIGTERM itself.
# For V8's defaults in a single-role container: --entrypoint node, with dist/cmd/entrypoint.js as the first argument.
app="${0%/*}/.."
case "$1" in
  edge | connector | status-writer | dlr-writer | callbacks)
    exec node --single-threaded-gc "$app/dist/cmd/entrypoint.js" "$@" ;;
  *)
    exec node "$app/dist/cmd/entrypoint.js" "$@" ;;
esac
