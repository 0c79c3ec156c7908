"""The generator's version, in the floor: any stage may name it without importing the package."""

__version__ = "0.1.0"
