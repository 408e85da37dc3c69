FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango and HarfBuzz for WeasyPrint (the monthly briefing as PDF); CJK fonts to draw Chinese in it.
# The PostgreSQL client for scripts/backup.sh and scripts/restore.sh.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-noto-cjk postgresql-client \
    && rm -rf /var/lib/apt/lists/*
# Exactly the versions CI tested, production packages only: the test and lint tools are in
# requirements-dev.lock, which the image never installs (tests/test_deployment.py checks it).
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app portal \
    && mkdir -p /app/media \
    && chown portal /app/media
# The portal never needs to write its own code.
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s CMD ["python", "scripts/healthcheck.py"]
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn minsheng.wsgi:application --bind 0.0.0.0:8000 --workers 3"]
