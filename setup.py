"""What pyproject.toml cannot say: the screens in the top-level `qml/` ship inside the greeter.

setuptools' package-dir maps the data package `greeter.ui.qml` (and its folders) onto `qml/`, so
a wheel installs the screens as `greeter/ui/qml/` (found by greeter/ui/qml_dir.py), while the
repository keeps them beside `greeter/`. Which files ship (package-data) and everything else
is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

SCREENS = "greeter.ui.qml"
screen_packages = [SCREENS, *(f"{SCREENS}.{name}" for name in find_namespace_packages("qml"))]

setup(
    packages=[*find_packages(include=["greeter*", "appliance*"]), *screen_packages],
    package_dir={SCREENS: "qml"},
)
