"""党员发展工作台账 — the domain core (rules, storage, service, reports) and the CLI.

This package never imports Textual; the full-screen app lives in ``screens``.
"""

import os as _os
import sys as _sys

__version__ = "0.1.0"


def _data_from_the_checkout() -> None:
    """Make ``tracker.data`` importable when running from a source checkout.

    The wheel installs the repository's ``data/`` as ``tracker.data`` (package-dir in pyproject).
    Run from a checkout (``python -m tracker`` in it, after a plain ``pip install .``), this
    ``tracker/`` hides the installed one and has no ``data``: then the ``data/`` folder beside it
    is loaded under that name, so profiles are found however the code is run.
    """
    if _os.path.isfile(_os.path.join(_os.path.dirname(__file__), "data", "__init__.py")):
        return  # installed: tracker/data is there (looked up without importlib.util and pathlib: 20 ms a start)
    import importlib.util as _util
    from pathlib import Path as _Path

    if _util.find_spec(__name__ + ".data") is not None:
        return
    folder = _Path(__file__).resolve().parent.parent / "data"
    spec = _util.spec_from_file_location(__name__ + ".data", folder / "__init__.py",
                                         submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None or not (folder / "__init__.py").is_file():
        return
    module = _util.module_from_spec(spec)
    _sys.modules[spec.name] = module
    spec.loader.exec_module(module)


_data_from_the_checkout()
