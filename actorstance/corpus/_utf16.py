"""UTF-16 code-unit offsets (what JavaScript tools store) and Python code points."""

from __future__ import annotations

__all__ = ["Utf16"]


class Utf16:
    """Offsets in UTF-16 code units (JavaScript string indices) to Python code points and back."""

    def __init__(self, text: str):
        self.identity = all(ord(char) < 0x10000 for char in text)
        if self.identity:
            return
        self._to_units = [0]
        self._to_points: dict[int, int] = {0: 0}
        units = 0
        for index, char in enumerate(text, start=1):
            units += 2 if ord(char) >= 0x10000 else 1
            self._to_units.append(units)
            self._to_points[units] = index

    def to_points(self, units: int) -> int | None:
        """None when ``units`` falls inside a surrogate pair (or outside the text)."""
        if self.identity:
            return units
        return self._to_points.get(units)

    def to_units(self, points: int) -> int:
        if self.identity:
            return points
        return self._to_units[points] if 0 <= points < len(self._to_units) else points
