# One image for the API, the worker and the one-shot migration.
FROM node:24-bookworm-slim AS build
# argon2 and msgpackr-extract load their N-API prebuilt binaries: no toolchain needed.
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 3000
# The heap cap of src/config/runtime.ts (API_NODE_FLAGS).
CMD ["node", "--max-old-space-size=192", "--max-semi-space-size=16", "dist/src/main.js"]
