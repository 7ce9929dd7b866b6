# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app/backend:/app \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint needs Pango; libharfbuzz-subset0 keeps font subsetting fast; fonts to embed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
RUN SECRET_KEY=collectstatic-only-not-used-at-run-time-0123456789abcdef0123456789 \
    python backend/manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 hearth \
 && mkdir -p /app/var/media && chown -R hearth /app/var
USER hearth
EXPOSE 8000
CMD ["sh", "-c", "gunicorn config.wsgi --bind 0.0.0.0:${PORT:-8000} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
