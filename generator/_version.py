"""The generator's version: the floor, so that any stage may name it without importing the package."""

__version__ = "0.1.0"
