# syntax=docker/dockerfile:1.7
#
# NHS anonymisation pipeline image.
#
# Base image: the official Node 24 slim image, pinned by exact version tag.
# To pin the digest as well (recommended for releases), resolve it with
#   docker buildx imagetools inspect node:24.21.0-bookworm-slim
# and append it to the one FROM line below:
#   FROM node:24.21.0-bookworm-slim@sha256:<digest> AS base
# (Dependabot's docker ecosystem then keeps tag and digest current together.)
# Node runs TypeScript directly by type stripping, so there is no build step:
# the runtime stage copies the sources.
FROM node:24.21.0-bookworm-slim AS base

# ---- production dependencies only ------------------------------------------
FROM base AS deps
WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: no dependency install script runs in the build.
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force

# ---- runtime ---------------------------------------------------------------
FROM base AS runtime
LABEL org.opencontainers.image.title="nhs-anonymisation-pipeline" \
      org.opencontainers.image.description="Real-time patient-record anonymisation: Kafka (Avro) to an anonymised topic and PostgreSQL" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    HTTP_PORT=9464 \
    NODE_OPTIONS="--disable-warning=ExperimentalWarning"
WORKDIR /app

# Everything is owned by root and read-only to the runtime user: the process
# cannot modify its own code, and the root filesystem can be mounted read-only
# (only /tmp needs to be writable; ECS and compose mount a tmpfs there).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY anonymise ./anonymise
COPY topology ./topology
COPY schemas ./schemas
COPY sinks ./sinks
COPY ops ./ops
COPY app ./app

# The official image's unprivileged "node" user (uid 1000).
USER node

EXPOSE 9464

# Liveness only; readiness (/health/ready) is for orchestrators that route traffic.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||9464)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# node runs as PID 1 and handles SIGTERM itself (graceful drain: stop fetching,
# flush the Postgres batch, commit offsets, close). Run with an init process
# (docker run --init, compose init: true, ECS initProcessEnabled) so that
# signals are forwarded and any stray child is reaped.
STOPSIGNAL SIGTERM
CMD ["node", "app/main.ts"]
