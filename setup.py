"""Map the layer folders onto the ``roomkit`` package.

Every sub-package found on disk under a layer folder is packaged, so a new module can never be left
out of the wheel (tests/test_layout.py checks the wheel against the folders).
"""

from setuptools import find_packages, setup

LAYERS = {
    "roomkit": "composition",
    "roomkit.domain": "domain",
    "roomkit.ports": "ports",
    "roomkit.application": "application",
    "roomkit.plugins": "plugins",
}

packages: list[str] = []
for package, folder in LAYERS.items():
    packages.append(package)
    packages.extend(f"{package}.{sub}" for sub in find_packages(folder))

setup(packages=packages, package_dir=LAYERS)
