"""The deployment files: the example env file names every setting and passes Django's deploy
check."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / "deploy" / "songnuan.env.example"
READERS = [ROOT / "songnuan" / "settings.py",
           ROOT / "songnuan" / "management" / "commands" / "serve.py"]
SETTING = re.compile(
    r"""(?:os\.environ\.get|env_flag|env_list|env_int|env_float)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def settings_read_from_the_environment() -> set[str]:
    return {name for path in READERS for name in SETTING.findall(path.read_text())}


def example_lines() -> dict[str, tuple[str, bool]]:
    """Each setting in the example: its value and whether it is set (not commented out)."""
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]+)=(.*)$", line.strip())
        if match:
            found[match[2]] = (match[3].strip(), match[1] is None)
    return found


def test_the_example_env_file_names_every_production_setting():
    assert settings_read_from_the_environment() - set(example_lines()) == set()


@pytest.mark.slow
def test_the_deploy_check_passes_with_the_example_settings(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in settings_read_from_the_environment()
           | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # the browser tests' own
    env.update({name: value for name, (value, is_set) in example_lines().items() if is_set})
    # What the bureau fills in: its own secrets, and folders of this machine.
    env.update(SECRET_KEY=get_random_secret_key() + get_random_secret_key(),
               FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
               SONGNUAN_VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"),
               STATIC_ROOT=str(tmp_path / "static"))

    result = subprocess.run(
        [sys.executable, "-m", "songnuan.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_number_setting_is_read_within_its_bounds(monkeypatch):
    from songnuan.settings import env_float, env_int

    monkeypatch.setenv("SONGNUAN_TEST_NUMBER", " 2.5 ")
    assert env_float("SONGNUAN_TEST_NUMBER", 4, minimum=1) == 2.5
    monkeypatch.setenv("SONGNUAN_TEST_NUMBER", "")
    assert env_int("SONGNUAN_TEST_NUMBER", 4) == 4
    monkeypatch.delenv("SONGNUAN_TEST_NUMBER")
    assert env_float("SONGNUAN_TEST_NUMBER", -2, minimum=None) == -2.0


@pytest.mark.parametrize(("value", "message"), [
    ("15min", "SONGNUAN_TEST_NUMBER must be a whole number, not '15min'."),
    ("1.5", "SONGNUAN_TEST_NUMBER must be a whole number, not '1.5'."),
    ("-1", "SONGNUAN_TEST_NUMBER must be at least 0, not -1."),
    ("24", "SONGNUAN_TEST_NUMBER must be at most 23, not 24."),
])
def test_a_number_setting_out_of_bounds_is_refused_by_name(monkeypatch, value, message):
    from django.core.exceptions import ImproperlyConfigured

    from songnuan.settings import env_int

    monkeypatch.setenv("SONGNUAN_TEST_NUMBER", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("SONGNUAN_TEST_NUMBER", 7, maximum=23)
    assert str(refused.value) == message


def test_a_float_setting_must_be_finite(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from songnuan.settings import env_float

    monkeypatch.setenv("SONGNUAN_TEST_NUMBER", "nan")
    with pytest.raises(ImproperlyConfigured, match="must be a finite number"):
        env_float("SONGNUAN_TEST_NUMBER", 4)


@pytest.mark.slow
def test_a_danger_weight_below_one_stops_the_start(tmp_path):
    env = dict(os.environ, DISPATCH_DANGER_WEIGHT="0.5", DJANGO_SETTINGS_MODULE="songnuan.settings",
               SECRET_KEY="x", DEMO="1", SONGNUAN_VAR_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "songnuan.cli", "check"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DISPATCH_DANGER_WEIGHT must be at least 1, not 0.5." in result.stderr


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "songnuan.example.gov.cn")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    crt, pem = folder / "songnuan.crt", folder / "songnuan.key"
    crt.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return crt, pem


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_proxy_configuration(tmp_path):
    crt, key = self_signed_certificate(tmp_path)
    site = (ROOT / "deploy" / "nginx" / "songnuan.conf").read_text()
    site = site.replace("/etc/nginx/tls/songnuan.crt", str(crt))
    site = site.replace("/etc/nginx/tls/songnuan.key", str(key))
    (tmp_path / "songnuan.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/songnuan.conf;\n}}\n")

    result = subprocess.run([shutil.which("nginx"), "-t", "-p", str(tmp_path),
                             "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
