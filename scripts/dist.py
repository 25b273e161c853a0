"""Build an installable wheelhouse in dist/: the core, every distribution, and what they need.

``./dev dist`` runs this. Every distribution of the workspace (the core, ``contracts`` and each
``adapters/*`` folder with a ``pyproject.toml``) is built from a copy whose requirements on other
workspace distributions are pinned to the exact workspace version, so an installer can never pick
a same-named project from a package registry. The third-party wheels locked in ``uv.lock`` are
downloaded next to them, so ``pip install --no-index --find-links dist "roomkit[sqlite]"`` works
offline afterwards.

Usage: python scripts/dist.py [--out DIR] [--no-third-party]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_FILES = ("pyproject.toml", "setup.py", "README.md")
CORE_FOLDERS = ("composition", "domain", "ports", "application", "plugins")
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", "build", "dist", "tests", ".pytest_cache"
)


@dataclass(frozen=True)
class Distribution:
    name: str
    version: str
    folder: Path


def _project(folder: Path) -> Distribution:
    data = tomllib.loads((folder / "pyproject.toml").read_text())
    project = data["project"]
    return Distribution(project["name"], project["version"], folder)


def workspace() -> list[Distribution]:
    """The core first, then contracts and every adapters/* folder that is a distribution."""
    folders = [ROOT, ROOT / "contracts"]
    folders += sorted(p.parent for p in (ROOT / "adapters").glob("*/pyproject.toml"))
    return [_project(f) for f in folders if (f / "pyproject.toml").is_file()]


def _requirement_pattern(names: set[str]) -> re.Pattern[str]:
    """A quoted requirement on one of ``names``, with optional extras, version and marker."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf'"(?P<name>{alternatives})(?P<extras>\[[^\]]*\])?\s*(?:[<>=!~][^";]*)?'
        rf'(?P<marker>\s*;[^"]*)?"'
    )


def pin_workspace_requirements(text: str, versions: dict[str, str]) -> str:
    """``pyproject.toml`` text with every requirement on a workspace distribution pinned
    (``"roomkit"`` -> ``"roomkit==0.1.0"``); ``[tool.uv...]`` tables are dropped."""
    pattern = _requirement_pattern(set(versions))

    def pin(match: re.Match[str]) -> str:
        extras = match.group("extras") or ""
        marker = match.group("marker") or ""
        return f'"{match.group("name")}{extras}=={versions[match.group("name")]}{marker}"'

    def pin_all(chunk: re.Match[str]) -> str:
        return pattern.sub(pin, chunk.group(0))

    sections = re.split(r"(?m)^(?=\[)", text)
    for index, section in enumerate(sections):
        if section.startswith("[project]"):
            sections[index] = re.sub(r"(?ms)^dependencies\s*=\s*\[.*?\]\s*$", pin_all, section)
        elif section.startswith("[project.optional-dependencies]"):
            sections[index] = pattern.sub(pin, section)
    pinned = "".join(sections)
    return re.sub(r"^\[tool\.uv[^\]]*\]\n(?:(?!\[).*\n?)*", "", pinned, flags=re.MULTILINE)


def _staged_copy(dist: Distribution, versions: dict[str, str], into: Path) -> Path:
    target = into / dist.name
    if dist.folder == ROOT:
        target.mkdir()
        for name in CORE_FILES:
            shutil.copy2(ROOT / name, target / name)
        for folder in CORE_FOLDERS:
            shutil.copytree(ROOT / folder, target / folder, ignore=IGNORED)
    else:
        shutil.copytree(dist.folder, target, ignore=IGNORED)
    pyproject = target / "pyproject.toml"
    pyproject.write_text(pin_workspace_requirements(pyproject.read_text(), versions))
    return target


def _uv() -> list[str]:
    uv = Path(sys.executable).parent / "uv"
    return [str(uv)] if uv.exists() else [sys.executable, "-m", "uv"]


def build_wheels(out: Path) -> list[Distribution]:
    dists = workspace()
    versions = {d.name: d.version for d in dists}
    core = versions["roomkit"]
    stale = [d.name for d in dists if d.version != core]
    if stale:
        raise SystemExit(f"distributions not at the core's version {core}: {', '.join(stale)}")
    with tempfile.TemporaryDirectory(prefix="roomkit-dist-") as tmp:
        for dist in dists:
            staged = _staged_copy(dist, versions, Path(tmp))
            subprocess.run(
                [
                    *_uv(),
                    "build",
                    "--wheel",
                    "--no-sources",
                    "-q",
                    "--python",
                    sys.executable,
                    "--out-dir",
                    str(out),
                    str(staged),
                ],
                check=True,
                cwd=tmp,
                env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
            )
    return dists


def download_third_party(out: Path) -> None:
    """The locked third-party wheels, so the wheelhouse installs with ``--no-index``."""
    exported = subprocess.run(
        [
            *_uv(),
            "export",
            "--frozen",
            "--no-hashes",
            "--all-packages",
            "--all-extras",
            "--no-dev",
            "--no-emit-workspace",
            "--no-header",
            "--no-annotate",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write(exported)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k == "PIP_CERT"}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    try:
        subprocess.run(
            [
                _pip_python(),
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                "--python-version",
                "3.12",
                "-d",
                str(out),
                "-r",
                handle.name,
            ],
            check=True,
            env=env,
        )
    finally:
        os.unlink(handle.name)


def _pip_python() -> str:
    """An interpreter with pip (the uv-made venv has none): the one the venv was made from."""
    base = Path(sys.base_prefix) / "bin" / "python3"
    return str(base) if base.exists() else sys.executable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--no-third-party", action="store_true", help="only our own wheels")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("roomkit*.whl"):
        old.unlink()
    dists = build_wheels(out)
    if not args.no_third_party:
        download_third_party(out)
    print(f"built {len(dists)} distributions at {dists[0].version} into {out}")
    for dist in dists:
        print(f"  {dist.name}=={dist.version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
