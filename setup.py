"""What pyproject.toml cannot say: the screens in the top-level `qml/` ship inside the greeter.

setuptools' package-dir maps the data package `greeter.ui.qml` onto `qml/`, so a wheel installs
the screens as `greeter/ui/qml/` (found by greeter/ui/qml_dir.py), while the repository keeps
them beside `greeter/`. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["greeter*", "appliance*"]), "greeter.ui.qml"],
    package_dir={"greeter.ui.qml": "qml"},
)
