"""The core is the product without a screen: importing all of it must not load Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import reader.core


def test_no_core_module_imports_textual() -> None:
    modules = [
        info.name for info in pkgutil.walk_packages(reader.core.__path__, prefix="reader.core.")
    ]
    assert "reader.core.store" in modules and "reader.core.search.engine" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
