# Production image: built code, production dependencies, no embedded database (use DATABASE_URL).
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_YES=true
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY kb/package.json kb/
COPY api/package.json api/
COPY bot/package.json bot/
COPY admin-ui/package.json admin-ui/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/cli.js"]
