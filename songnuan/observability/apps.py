from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Logs, metrics and error reporting; it has no models nor pages of its own."""

    name = "songnuan.observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from songnuan.observability import errors, logs, readings, tasks

        request_finished.connect(logs.clear, dispatch_uid="observability-clear-log-context")
        readings.declare()
        tasks.connect()
        errors.start()
