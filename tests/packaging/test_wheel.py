"""The wheel carries every content pack and migration, and the installed bot finds its packs inside itself.

Built the way a self-hoster's ``pip install .`` builds it; unpacked, not installed (``.ci/run`` installs it
in a fresh virtual environment and runs the demo from it).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "-w", str(out)],
                   check=True, capture_output=True, cwd=out)
    (found,) = out.glob("studybot-*.whl")
    return found


def _source_files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_every_pack_file_and_migration_is_in_the_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = {f"bot/shipped_content/{name}" for name in _source_files(ROOT / "content")}
    migrations = {f"bot/storage/migrations/{p.name}" for p in (ROOT / "bot/storage/migrations").glob("*.sql")}
    assert packs and migrations
    assert packs - names == set()
    assert migrations - names == set()


def test_the_installed_package_loads_its_own_packs(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"  # no content/ folder beside it, as on a server
    elsewhere.mkdir()
    script = ("from bot.cli.common import load_content, load_settings\n"
              "from bot.settings import SHIPPED_CONTENT_DIR\n"
              "store = load_content(load_settings())\n"
              "print(SHIPPED_CONTENT_DIR)\n"
              "print(len(store.library.prompts), len(store.library.flashcards))\n")
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r})\n"
                             + script], capture_output=True, text=True, cwd=elsewhere, check=False)
    assert result.returncode == 0, result.stderr
    folder, counts = result.stdout.splitlines()
    assert Path(folder) == site / "bot" / "shipped_content"
    prompts, cards = map(int, counts.split())
    assert prompts > 0 and cards > 0


def test_the_wheel_declares_its_licence_and_carries_its_text(wheel: Path) -> None:
    """An SPDX expression: setuptools stops building projects that declare it as a table in 2027."""
    archive = zipfile.ZipFile(wheel)
    (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
    assert "License-Expression: MIT" in archive.read(metadata).decode().splitlines()
    (licence,) = [name for name in archive.namelist() if name.endswith(".dist-info/licenses/LICENSE")]
    assert archive.read(licence).decode().startswith("MIT License")
