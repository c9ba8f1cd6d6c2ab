"""The wheel carries the compiled translations: an installed Songnuan speaks Chinese."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

# Both tests on one worker, so that the wheel is built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]

SOURCE = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(path.relative_to(SOURCE).with_suffix(".mo").as_posix()
                    for path in SOURCE.glob("songnuan/**/locale/*/LC_MESSAGES/django.po"))
SPEAKS_CHINESE = """
import django, songnuan
from django.utils import translation
django.setup()
translation.activate("zh-hans")
print(songnuan.__file__)
print(translation.gettext("Simplified Chinese"))
print(translation.gettext("Dispatch board"))
"""


def copy_of_the_source(target: Path) -> Path:
    """The files a clean clone has: no compiled catalogue, no build left-overs."""
    target.mkdir()
    shutil.copy2(SOURCE / "pyproject.toml", target)
    shutil.copy2(SOURCE / "setup.py", target)
    shutil.copy2(SOURCE / "README.md", target)
    shutil.copytree(SOURCE / "songnuan", target / "songnuan",
                    ignore=shutil.ignore_patterns("*.mo", "__pycache__", "*.egg-info"))
    return target


def without_the_working_tree(env: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in env.items()
           if key not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "DEBUG", "DEMO")}
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = copy_of_the_source(work / "source")
    assert not list(source.rglob("*.mo"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", str(work / "dist"), str(source)],
        cwd=work, env=without_the_working_tree(dict(os.environ)), check=True, timeout=600)
    (built,) = (work / "dist").glob("songnuan-*.whl")
    return built


def test_the_wheel_holds_every_compiled_catalogue(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert CATALOGUES
    assert [name for name in CATALOGUES if name not in names] == []


def test_songnuan_installed_from_the_wheel_speaks_chinese(wheel, tmp_path):
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True).stdout.strip()
    # Django and the rest resolve from this environment's packages, offline; a plain path
    # (not a site directory) leaves out its editable link to the working tree.
    Path(site_packages, "shared.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)

    env = without_the_working_tree(dict(os.environ))
    env.update(DJANGO_SETTINGS_MODULE="songnuan.settings", SECRET_KEY="packaging-test",
               SONGNUAN_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run([python, "-c", SPEAKS_CHINESE], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    location, language, board = result.stdout.splitlines()
    assert location.startswith(site_packages)
    assert (language, board) == ("简体中文", "调度台")
