"""The Textual TUI. Only front ends import this package (it imports Textual)."""

from .app import SyscallLabApp, make_app

__all__ = ["SyscallLabApp", "make_app"]
