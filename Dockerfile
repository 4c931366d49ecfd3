# One image for every app; the command chooses which one runs:
#   node dist/apps/<all-in-one|ingest|risk-engine|dispatch|command-center>/src/main.js
# See deploy/docker-compose.yml and deploy/k8s/ for the distributed layout.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY simulators ./simulators
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# DATA_DIR (./data) is only written in embedded mode or when OPERATOR_TOKEN is
# unset; it must belong to the user the apps run as.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
# A larger young generation for a pipeline that allocates per message (as .npmrc does for npm run).
ENV NODE_OPTIONS=--max-semi-space-size=64
# The image's `node` user, given by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# HTTP (command center, /health and /metrics of every app); the embedded MQTT broker of all-in-one.
EXPOSE 3000 1883
CMD ["node", "dist/apps/all-in-one/src/main.js"]
