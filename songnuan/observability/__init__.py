"""Observability: structured logs carrying each request's id, Prometheus metrics at /metrics and
optional error reporting to a self-hosted Sentry or GlitchTip."""
