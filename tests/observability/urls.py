"""The project's URLs and one view that fails, for the error-reporting test."""

from django.http import HttpRequest
from django.urls import path

from songnuan.urls import urlpatterns as project_urlpatterns


def fail(request: HttpRequest):
    raise RuntimeError("the door handle came off")


urlpatterns = [path("fail", fail, name="fail"), *project_urlpatterns]
