# tweetstream producer: X filtered stream in, Kinesis PutRecords out, /healthz /readyz /metrics on :3000.
#
#   docker build -t tweetstream-producer .
#   docker run --read-only -p 3000:3000 -v tweetstream-spool:/var/lib/tweetstream/spool \
#     -e X_BEARER_TOKEN -e KINESIS_STREAM_NAME=tweetstream-events -e AWS_REGION=us-east-1 tweetstream-producer
#
# Behind a TLS-intercepting proxy, npm in the build stages needs the proxy's CA (build time only; nothing of
# it reaches the runtime image). See container/README.md:
#   buildah bud -v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro \
#     --build-arg npm_config_cafile=/run/host-ca.crt -t tweetstream-producer .
#   docker build --secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt \
#     --build-arg npm_config_cafile=/run/secrets/npm_ca -t tweetstream-producer .

# Base image for every stage. Production deployments should pin it by digest
# (`--build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:…`) so a rebuild cannot change Node underneath.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript with the full (dev) toolchain --------------------------------------------
FROM ${NODE_IMAGE} AS build
# Path to a CA bundle for npm's registry connections; empty (npm's defaults) unless a proxy needs it.
# Build stages only: ARG values never reach the runtime stage's environment or history.
ARG npm_config_cafile
ENV npm_config_update_notifier=false
WORKDIR /build
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency install script runs (the lockfile's native tools ship prebuilt
# platform packages). The cache mount keeps npm's download cache out of the layer and across builds; the
# optional npm_ca secret is where `docker build --secret` puts a proxy CA (absent otherwise).
RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=type=secret,id=npm_ca \
    npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY events ./events
COPY producer-service ./producer-service
# Only the TypeScript the image runs (dist/events, dist/producer-service); `npm run build` also bundles the two
# Lambdas, whose sources (compliance/) the build context leaves out.
RUN npx tsc -p tsconfig.build.json

# ---- prod-deps: only the producer's runtime dependencies ------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
ARG npm_config_cafile
ENV npm_config_update_notifier=false
WORKDIR /build
COPY package.json package-lock.json ./
# cdktf, the AWS provider bindings, the compilers and test tools are devDependencies and stay out.
RUN --mount=type=cache,target=/root/.npm,sharing=locked --mount=type=secret,id=npm_ca \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# The spool directory, made here and copied with its owner: the runtime stage has no RUN step, so nothing a
# builder mounts into RUN steps (such as a CA bundle's mount point) can leave a trace in its layers.
RUN install -d -m 0755 /staging/var/lib/tweetstream \
 && install -d -m 0750 -o 1000 -g 1000 /staging/var/lib/tweetstream/spool

# ---- runtime --------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="tweetstream-producer" \
      org.opencontainers.image.description="X API v2 filtered stream to Amazon Kinesis producer (tweetstream)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"

ENV NODE_ENV=production \
    PORT=3000 \
    SPOOL_DIR=/var/lib/tweetstream/spool

WORKDIR /app
# Root-owned and read-only to the service user: the process cannot rewrite its own code.
# package.json stays because it declares "type": "module" for the compiled ESM.
COPY --from=prod-deps /build/package.json ./package.json
COPY --from=prod-deps /build/node_modules ./node_modules
COPY --from=build /build/dist/events ./dist/events
COPY --from=build /build/dist/producer-service ./dist/producer-service

# The spool is the only path the producer writes; mount a volume here so it survives restarts and the root
# filesystem can be read-only (`docker run --read-only`, `read_only: true` in compose).
# (Copied as a tree into /, so each directory keeps its owner and mode: root's parent, the user's 0750 spool.)
COPY --from=prod-deps /staging/ /
VOLUME ["/var/lib/tweetstream/spool"]

# The base image's unprivileged `node` user, numeric so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000

# No curl in the slim image: Node itself probes the liveness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Exec form: Node is PID 1 and receives SIGTERM directly; the producer flushes (or spools) and exits.
# --max-semi-space-size=8: at full speed V8's default young generation alone pushed peak RSS past 180 MB;
# 8 MB semi-spaces keep it under 150 MB with the same CPU per tweet (npm run bench runs the producer with it).
ENTRYPOINT ["node", "--enable-source-maps", "--max-semi-space-size=8", "/app/dist/producer-service/main.js"]
