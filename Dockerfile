# syntax=docker/dockerfile:1
# smsmesh: one image for every gateway role; the command picks it (edge, connector, status-writer, callbacks,
# migrate, all).
#   docker build -t smsmesh:0.1.0 .                     the production image (target prod)
#   docker build --target dev -t smsmesh-dev:0.1.0 .    the same plus the SMSC simulator, for k8s/overlays/dev
# test/deploy/image.test.ts replays these steps in a temporary folder (same files, same npm and build commands)
# and starts every role from the result; keep to FROM, ARG, ENV, WORKDIR, COPY, RUN, USER, EXPOSE, LABEL,
# ENTRYPOINT and CMD so that it can.
ARG NODE_IMAGE=node:20-bookworm-slim

# Compiles the gateway (tsconfig.build.json: cmd entry points and internal/ only).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs it as postinstall: the project's fixes to dependencies (see the script).
COPY scripts/patch-dependencies.mjs ./scripts/patch-dependencies.mjs
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.client.json ./
COPY cmd ./cmd
COPY internal ./internal
# The typed client (smsmesh/client) is part of the package build; it stands alone and the roles never load it.
COPY client ./client
# The operator console (/console): bundled by esbuild into dist/console during the build.
COPY console ./console
COPY scripts/build-console.mjs ./scripts/build-console.mjs
RUN npm run build

# Compiles the tools; only the dev image takes something from here (the SMSC simulator).
FROM build AS build-tools
COPY tsconfig.tools.json ./
COPY tools ./tools
RUN npm run build:tools

# Production dependencies only: nothing from devDependencies reaches the image.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/patch-dependencies.mjs ./scripts/patch-dependencies.mjs
# No dependency's install scripts run; the project's own fixes are applied, and checked, explicitly.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
RUN node scripts/patch-dependencies.mjs && node scripts/patch-dependencies.mjs --check

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# Read at run time from the package root: SQL migrations and the JetStream topology.
COPY drizzle ./drizzle
COPY nats/streams.json ./nats/streams.json
# Starts node with the flags of the command it runs (--single-threaded-gc for the single-role processes).
COPY scripts/image-entrypoint.sh ./bin/entrypoint.sh
# The official image's unprivileged user (uid 1000); numeric, so that Kubernetes can check runAsNonRoot.
# Nothing is written to the image's filesystem at run time: it runs with a read-only root.
USER 1000:1000
EXPOSE 8080 9101 9102 9103
ENTRYPOINT ["sh", "/app/bin/entrypoint.sh"]
CMD ["--help"]

# The production image plus the SMSC simulator (dev overlay, demos); never deployed to production.
FROM runtime AS dev
COPY --from=build-tools /app/dist/cmd/smsc-sim.js ./dist/cmd/smsc-sim.js
COPY --from=build-tools /app/dist/tools/smsc-sim ./dist/tools/smsc-sim
COPY --from=build-tools /app/dist/tools/shared ./dist/tools/shared
EXPOSE 2775

# Last, so that a plain `docker build .` builds the production image.
FROM runtime AS prod
