"""takehome: tailored take-home handouts for massage clients, printed or emailed.

The Python API (see the README): ``Studio`` does what the commands do;
``Client`` and ``RenderOptions`` are what it is given; ``Problem`` is each
error or warning it returns. They are loaded on first use, so that
``import takehome`` (and ``takehome --help``) stays fast.
"""

__version__ = "0.1.0"
__all__ = ["Client", "Problem", "RenderOptions", "Studio", "TakehomeError", "__version__"]

_EXPORTS = {
    "Studio": "takehome.studio",
    "Client": "takehome.model.client",
    "RenderOptions": "takehome.render.options",
    "Problem": "takehome.errors",
    "TakehomeError": "takehome.errors",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'takehome' has no attribute {name!r}")
