#!/usr/bin/env bash
# What the test suite needs on this machine: nats-server, PostgreSQL (running, on 127.0.0.1:5432 unless
# TEST_DATABASE_URL says otherwise), openssl (TLS tests), Net::SMPP (the foreign SMSC in interop tests),
# haproxy (the VM load balancer config), promtool (alert rule tests; Debian's prometheus package, whose server
# must not keep running here), chromium (the console's browser test) and kubectl (renders k8s/; no Debian package, so only checked).
# Installs missing Debian packages with apt-get (as root, or with sudo) and starts PostgreSQL when it is down.
set -euo pipefail
export PATH="/usr/sbin:$PATH"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

need=()
command -v nats-server >/dev/null || need+=(nats-server)
command -v openssl >/dev/null || need+=(openssl)
command -v psql >/dev/null || need+=(postgresql-client)
perl -MNet::SMPP -e 1 2>/dev/null || need+=(libnet-smpp-perl)
command -v haproxy >/dev/null || need+=(haproxy)
command -v systemd-analyze >/dev/null || need+=(systemd)
# The console's browser test (test/console/) drives Debian's chromium with playwright-core.
command -v chromium >/dev/null || need+=(chromium)
if [ -z "${TEST_DATABASE_URL:-}" ] && ! command -v pg_ctlcluster >/dev/null; then need+=(postgresql); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing with apt-get: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# promtool ships only in the prometheus package, which enables and starts a Prometheus server on :9090: stop and
# disable it (and its recommended node exporter, not installed here) so that the tests' machine runs no server.
if ! command -v promtool >/dev/null; then
  echo "installing with apt-get: prometheus (for promtool; its server is stopped and disabled)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
  else
    $SUDO service prometheus stop >/dev/null 2>&1 || true
    $SUDO update-rc.d prometheus disable >/dev/null 2>&1 || true
  fi
fi

if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! command -v kubectl >/dev/null && [ ! -x /usr/bin/kubectl ]; then
  echo "kubectl is missing: the k8s/ tests (test/deploy/) will fail. Install kubectl 1.32, e.g." >&2
  echo "  curl -LO https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl && install -m 0755 kubectl /usr/local/bin/kubectl" >&2
fi

url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! psql "$url" -qAtc 'select 1' >/dev/null 2>&1; then
  echo "cannot connect to PostgreSQL as $url." >&2
  echo "The tests create and drop their own databases: give them a superuser URL in TEST_DATABASE_URL," >&2
  echo "or allow 'trust' for 127.0.0.1 in pg_hba.conf for the postgres user." >&2
  exit 1
fi
