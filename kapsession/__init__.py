"""kapsession: a quiet terminal companion for ketamine-assisted psychotherapy sessions."""

import gc
import sys

__version__ = "0.1.0"


def _import_msgspec_without_typing_extensions() -> None:
    """Import msgspec while typing_extensions is hidden, so msgspec takes the standard library's
    `typing` instead (on Python 3.11 that has everything our Structs use: get_type_hints with
    extras, Annotated, Required, NotRequired).

    Why: msgspec imports typing_extensions when it can, and that brings inspect, ast, dis and
    tokenize: about 7 ms of every command that does not run the TUI (a summary PDF is ~90 ms in
    all). Textual imports typing_extensions for itself as usual; only msgspec does without it.
    Done here, in the package every msgspec user is inside, so msgspec behaves the same whichever
    module imports it first.
    """
    if "msgspec" in sys.modules:
        return
    missing = object()
    hidden = sys.modules.get("typing_extensions", missing)
    sys.modules["typing_extensions"] = None  # type: ignore[assignment] - `import` raises ImportError
    # msgspec imports uuid, and uuid imports platform for one call at import (`platform.system()`,
    # to tell Linux and AIX apart); platform costs about 1.2 ms. A stand-in answers that call and
    # leaves sys.modules before anything else can import platform (uuid keeps its reference, and
    # never uses it again).
    stand_in = None
    if "platform" not in sys.modules and "uuid" not in sys.modules:
        import os
        import types

        stand_in = types.ModuleType("platform", "kapsession's stand-in while msgspec imports uuid")
        stand_in.system = lambda: os.uname().sysname  # type: ignore[attr-defined] - what platform.system() returns
        sys.modules["platform"] = stand_in
    # The cyclic collector paused meanwhile: msgspec and what it imports (typing, re, enum,
    # datetime, decimal, uuid) make tens of thousands of objects and no garbage (about 1.5 ms).
    collecting = gc.isenabled()
    gc.disable()
    try:
        import msgspec  # noqa: F401
    finally:
        if collecting:
            gc.enable()
        if stand_in is not None and sys.modules.get("platform") is stand_in:
            del sys.modules["platform"]
        if hidden is missing:
            del sys.modules["typing_extensions"]
        else:
            sys.modules["typing_extensions"] = hidden  # type: ignore[assignment]


_import_msgspec_without_typing_extensions()
