"""syscall-lab: watch the real Linux kernel perform syscalls, one step at a time."""

__version__ = "0.1.0"
__all__ = ["__version__"]
