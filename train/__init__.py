"""Training entry point: ``python -m train CONFIG``."""

from .trainer import train

__all__ = ["train"]
