# Backprop Lab: one Streamlit process per container. compose.yaml runs several behind nginx;
# deploy/kubernetes.yaml runs them behind an ingress-nginx Ingress. Build: docker build -t backprop-lab .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OMP_NUM_THREADS=1 \
    OPENBLAS_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    MALLOC_ARENA_MAX=2

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY app.py ./
COPY .streamlit .streamlit
COPY assets assets
COPY engine engine
COPY viz viz
COPY pages pages

RUN useradd --system --uid 10001 --home-dir /app app
USER app
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]
CMD ["streamlit", "run", "app.py", "--server.headless", "true", "--server.address", "0.0.0.0", \
     "--server.port", "8501", "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
