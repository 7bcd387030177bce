"""党员发展工作台账 — the domain core (rules, storage, service, reports) and the CLI.

This package never imports Textual; the full-screen app lives in ``screens``.
"""

import importlib.util as _util
import sys as _sys
from pathlib import Path as _Path

__version__ = "0.1.0"


def _data_from_the_checkout() -> None:
    """Make ``tracker.data`` importable when running from a source checkout.

    The wheel installs the repository's ``data/`` as ``tracker.data`` (package-dir in pyproject).
    Run from a checkout (``python -m tracker`` in it, after a plain ``pip install .``), this
    ``tracker/`` hides the installed one and has no ``data``: then the ``data/`` folder beside it
    is loaded under that name, so profiles are found however the code is run.
    """
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


def _import_orjson_whole() -> None:
    """Import orjson with Ctrl-C held back, then let it through: orjson's module set-up crashes the process
    (SIGSEGV, orjson 3.13) when Ctrl-C lands in the middle of it — found by the Ctrl-C-at-any-moment test.
    The same hold as around the save's rename (``storefile.interrupts_deferred``)."""
    from .storefile import interrupts_deferred

    with interrupts_deferred():
        import orjson  # noqa: F401


try:
    _import_orjson_whole()
except KeyboardInterrupt:
    # the held-back Ctrl-C let through while the package itself is imported: for ``python -m tracker`` that is
    # before ``__main__`` can catch it (runpy imports the package first, with argv[0] still "-m"): say it as it does
    if _sys.argv[:1] != ["-m"]:
        raise
    _sys.stderr.write("已中断：未保存任何更改。 / Interrupted: nothing was saved.\n")
    raise SystemExit(130) from None
