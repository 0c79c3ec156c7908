"""The command line: ``main(argv)`` parses flags and calls one library function per command."""

from .main import main

__all__ = ["main"]
