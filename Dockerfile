# OpenAI-compatible speech-to-text on onnxruntime-node (CPU). Needs BuildKit (the default builder of current Docker;
# Debian's docker.io 20.10: DOCKER_BUILDKIT=1). No `# syntax=` line on purpose: the built-in Dockerfile frontend is
# used, so a build needs no image registry beyond the base image.
#
#   docker build -t onnx-stt .
#
# Build arguments and options:
#   BASE_IMAGE   Node.js >= 20 on Debian, used by both stages (default: the official Node image). Hosts that cannot
#                pull images: scripts/docker/build-base-image.sh makes one from Debian packages
#                (--build-arg BASE_IMAGE=onnx-stt-base:trixie).
#   APP_UID      uid/gid of the service user `stt` the image creates (default 10001). Neither base needs a `node` user.
#   --secret id=ca_bundle,src=/etc/ssl/certs/ca-certificates.crt
#                a PEM bundle trusted by npm (NODE_EXTRA_CA_CERTS) during the build, for networks whose HTTPS goes
#                through a TLS-intercepting proxy (npm ci otherwise fails with SELF_SIGNED_CERT_IN_CHAIN). A secret
#                mount: it is not stored in any image layer. TLS verification is never turned off.
# Models are baked in from models/; mount another folder over /app/models to serve your own.
# GPU hosts: Dockerfile.cuda.
ARG BASE_IMAGE=node:24-trixie-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /app
# onnxruntime-node's npm package carries the CPU binaries (bin/napi-v6/linux/x64); its install script would only
# download the CUDA provider, which this image does not use: skipped, as scripts/start.sh and test.sh do.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca_bundle; fi \
 && npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node

FROM ${BASE_IMAGE}
ARG APP_UID=10001
# ffmpeg decodes every non-WAV upload; bzip2 unpacks pulled model archives (twice as fast as the JavaScript
# fallback); tini reaps children and passes SIGTERM on to node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg bzip2 tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid "${APP_UID}" stt \
 && useradd --system --uid "${APP_UID}" --gid "${APP_UID}" --home-dir /app --no-create-home --shell /usr/sbin/nologin stt
WORKDIR /app
ENV NODE_ENV=production PORT=8000 HOST=0.0.0.0 MODELS_DIR=/app/models
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY web/public ./web/public
COPY package.json ./
COPY models ./models
COPY native/fbank/fbank.wasm ./native/fbank/fbank.wasm
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER ${APP_UID}:${APP_UID}
EXPOSE 8000
# The server drains on SIGTERM (SHUTDOWN_GRACE_SEC, 30 s): give `docker stop -t 35` / stop_grace_period 35s.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
