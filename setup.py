"""Builds the package with its translations compiled: every app's locale/*/LC_MESSAGES/django.po
becomes the django.mo that Django reads (compiled catalogues are build products, never in git).
Everything else about the package is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogue(po_path: Path) -> Path:
    """As `pybabel compile` does: a catalogue marked fuzzy as a whole is an error, fuzzy
    entries are left out."""
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file, locale=po_path.parent.parent.name)
    if catalogue.fuzzy:
        raise ValueError(f"{po_path} is marked fuzzy; review it before building")
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("wb") as mo_file:
        write_mo(mo_file, catalogue)
    return mo_path


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        for po_path in sorted(Path(self.build_lib).glob("songnuan/**/locale/*/LC_MESSAGES/*.po")):
            compile_catalogue(po_path)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        return outputs + [str(Path(path).with_suffix(".mo")) for path in outputs
                          if path.endswith(".po") and "LC_MESSAGES" in path]


setup(cmdclass={"build_py": BuildWithCatalogues})
