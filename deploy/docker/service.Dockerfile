# One image per service: docker build --build-arg SERVICE=membership -f deploy/docker/service.Dockerfile .
FROM python:3.11-slim
ARG SERVICE
ENV SERVICE=${SERVICE} PYTHONUNBUFFERED=1
WORKDIR /app
# the Unicode font the PDFs embed (attendance sheet, fee statement, annual status)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY constraints.txt ./
COPY contracts ./contracts
COPY servicekit ./servicekit
COPY rules ./rules
COPY deploy ./deploy
COPY services/${SERVICE} ./services/${SERVICE}
RUN pip install --no-cache-dir -c constraints.txt setuptools wheel \
 && pip install --no-cache-dir --no-build-isolation -c constraints.txt \
      ./contracts ./servicekit ./rules ./deploy ./services/${SERVICE}
# The service never runs as root inside its container.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin kn
USER kn
CMD ["sh", "-c", "exec python -m kn_${SERVICE}"]
