# OpenAI-compatible speech-to-text on onnxruntime-node (CPU). Build: docker build -t onnx-stt .
# Models are baked in from models/; mount another folder over /app/models to serve your own.
FROM node:lts-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:lts-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PORT=8000 HOST=0.0.0.0 MODELS_DIR=/app/models
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY web/public ./web/public
COPY package.json ./
COPY models ./models
COPY native/fbank/fbank.wasm ./native/fbank/fbank.wasm
USER node
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
