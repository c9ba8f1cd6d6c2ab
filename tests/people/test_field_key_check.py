"""Production refuses to start without its own key for ID numbers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from songnuan.people import crypto


@pytest.fixture
def production(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.FIELD_ENCRYPTION_KEY_MAY_DERIVE = False
    return settings


def test_the_deploy_check_refuses_a_missing_key(production):
    with pytest.raises(SystemCheckError, match="FIELD_ENCRYPTION_KEY"):
        call_command("check", "--deploy")


def test_serve_and_worker_hit_the_check_before_they_start(production):
    from songnuan.management.commands import serve, worker

    # Both run every system check before `handle` (not only the --deploy ones)…
    assert serve.Command.requires_system_checks == "__all__"
    assert worker.Command.requires_system_checks == "__all__"
    # …and the check is one of them.
    with pytest.raises(SystemCheckError, match="people.E001"):
        call_command("check")


def test_a_short_key_is_refused(production):
    production.FIELD_ENCRYPTION_KEY = "too-short"
    with pytest.raises(SystemCheckError, match="people.E002"):
        call_command("check")


def test_without_a_key_nothing_is_encrypted_with_one_derived_from_secret_key(production):
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("370202195805123017")


def test_a_generated_key_passes_and_encrypts(production, capsys):
    call_command("generate_field_key")
    key = capsys.readouterr().out.strip()
    Fernet(key.encode())  # a valid Fernet key
    production.FIELD_ENCRYPTION_KEY = key
    call_command("check")
    assert crypto.decrypt(crypto.encrypt("370202195805123017")) == "370202195805123017"


def test_the_demo_and_debug_may_derive_a_key(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.FIELD_ENCRYPTION_KEY_MAY_DERIVE = True
    call_command("check")


def test_the_server_refuses_to_start_without_the_key(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("FIELD_ENCRYPTION_KEY", "DEBUG", "DEMO", "DJANGO_SETTINGS_MODULE")}
    env.update(SECRET_KEY="a-secret-key-for-this-test-only", SONGNUAN_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "songnuan.cli", "serve", "--no-collectstatic"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "people.E001" in result.stderr
