# One image for web, worker and beat (docker-compose.yml picks the command).
# The build steps live in scripts/build.sh, which CI's production rehearsal
# (scripts/rehearse-production.sh) runs too, without Docker.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app/backend:/app \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

# Debian run-time packages (Pango, HarfBuzz's subset library, fonts), listed once in
# scripts/runtime-packages.txt.
COPY scripts/build.sh scripts/runtime-packages.txt scripts/
RUN bash scripts/build.sh system-packages --clean-apt-lists

# Python dependencies, pinned by constraints.txt (a layer reused until they change).
COPY pyproject.toml constraints.txt README.md ./
RUN PIP_NO_CACHE_DIR=1 bash scripts/build.sh python python

# The code (.dockerignore keeps out .venv, var, .env, .git and caches), then static
# files collected under the production settings.
COPY . .
RUN bash scripts/build.sh static python \
 && useradd --create-home --uid 1000 hearth \
 && mkdir -p /app/var/media && chown -R hearth /app/var
USER hearth
EXPOSE 8000
CMD ["sh", "-c", "gunicorn config.wsgi --bind 0.0.0.0:${PORT:-8000} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
