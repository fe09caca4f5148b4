FROM denoland/deno:2.5.6
WORKDIR /app
COPY . .
RUN deno install --frozen && deno task build
USER deno
CMD ["task", "start"]
