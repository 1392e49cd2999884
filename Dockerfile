# deskhand: multi-stage build, non-root user, data directory as a volume, health check on /healthz.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/deskhand
ENV PATH=/opt/deskhand/bin:$PATH
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY graph ./graph
COPY integrations ./integrations
COPY evals ./evals
COPY sandbox ./sandbox
COPY demo ./demo
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 deskhand && mkdir -p /data && chown deskhand /data
COPY --from=build /opt/deskhand /opt/deskhand
COPY --chown=deskhand demo /app/demo
ENV PATH=/opt/deskhand/bin:$PATH \
    DESKHAND_DATA_DIR=/data \
    DESKHAND_DEMO_DIR=/app/demo \
    DESKHAND_HOST=0.0.0.0 \
    DESKHAND_PORT=3000 \
    PYTHONUNBUFFERED=1
WORKDIR /app
USER deskhand
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status == 200 else 1)"
CMD ["deskhand", "serve"]
