"""Copy the layer folders into a scratch package, seed forbidden imports, and require
lint-imports to report each broken contract. A linter that cannot fail proves nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "composition": "roomkit",
    "domain": "roomkit/domain",
    "ports": "roomkit/ports",
    "application": "roomkit/application",
    "plugins": "roomkit/plugins",
}
SEEDS = {
    "Layers: composition > plugins > application > ports > domain": (
        "roomkit/domain/base.py",
        "import roomkit.application.runtime\n",
    ),
    "domain does no I/O": ("roomkit/domain/content.py", "import asyncio\n"),
    "Inbound steps are independent; only the pipeline knows their order": (
        "roomkit/application/inbound/steps/store.py",
        "import roomkit.application.inbound.steps.parse\n",
    ),
    "domain, ports and application import no framework or vendor package": (
        "roomkit/ports/store.py",
        "import pluggy\n",
    ),
}


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    lint_imports = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(lint_imports), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
    )


def scratch_tree() -> Path:
    tree = Path(tempfile.mkdtemp(prefix="roomkit-seeded-"))
    for folder, target in LAYERS.items():
        shutil.copytree(
            ROOT / folder,
            tree / target,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def main() -> int:
    failures: list[str] = []
    clean = scratch_tree()
    baseline = lint(clean)
    shutil.rmtree(clean)
    if baseline.returncode != 0:
        print(baseline.stdout[-3000:], baseline.stderr[-3000:])
        print("the unseeded copy should pass lint-imports")
        return 1
    for contract, (path, line) in SEEDS.items():
        tree = scratch_tree()
        target = tree / path
        target.write_text(target.read_text() + line)
        result = lint(tree)
        shutil.rmtree(tree)
        broken = result.returncode != 0 and f"{contract} BROKEN" in result.stdout
        print(f"{'caught' if broken else 'MISSED'}: {line.strip()!r} in {path} -> {contract}")
        if not broken:
            failures.append(contract)
    if failures:
        print("lint-imports did not catch:", failures)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
