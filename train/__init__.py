"""Training entry point: ``python -m train CONFIG``.

`train` is imported on first use, so ``python -m train --help`` does not load torch.
"""

__all__ = ["train"]


def __getattr__(name: str):
    if name == "train":
        from .trainer import train

        return train
    raise AttributeError(f"module 'train' has no attribute {name!r}")
