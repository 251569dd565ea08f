"""The wheel carries the templates and packs: an installed negdocs builds a folder that
holds only playbooks/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import MINIMAL, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    src = tmp_path_factory.mktemp("src") / "negdocs"
    # Build from the committed layout, not from a tree holding build/ or .venv/.
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".venv", "build", ".git", "__pycache__", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(src)],
                   check=True)
    return next(dist.glob("negdocs-*.whl"))


def test_wheel_ships_templates_and_packs(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "negdocs/templates/internal.html" in names
    assert "negdocs/analyse/strategies/power-based.yaml" in names
    assert "negdocs/analyse/strategies/principled.yaml" in names
    for locale in ("de", "fr", "es"):  # the languages: packs, compiled catalogs, face-threat phrases
        assert f"negdocs/analyse/strategies/power-based.{locale}.yaml" in names
        assert f"negdocs/locale/{locale}/LC_MESSAGES/negdocs.mo" in names
    assert "negdocs/analyse/checks/face_threats.yaml" in names


def test_installed_wheel_builds_a_bare_project(wheel, tmp_path):
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"
    (project / "playbooks").mkdir(parents=True)
    (project / "playbooks" / "guide.yaml").write_text(MINIMAL)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import negdocs; print(negdocs.__file__)"], env=env, cwd=project,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site))
    result = subprocess.run([sys.executable, "-m", "negdocs", "build", "--no-pdf"], env=env, cwd=project,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '<h1 id="title">Guide</h1>' in (project / "build" / "guide.html").read_text()
    result = subprocess.run([sys.executable, "-m", "negdocs", "build", "--no-pdf", "--locale", "de", "--out", "de"], env=env,
                            cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '<html lang="de">' in (project / "de" / "guide.html").read_text(encoding="utf-8")
    assert "Auf einen Blick" in (project / "de" / "guide.html").read_text(encoding="utf-8")
