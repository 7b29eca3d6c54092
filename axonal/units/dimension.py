"""Physical dimensions: interned records of the seven SI base exponents, and the mismatch error."""

from __future__ import annotations

from fractions import Fraction
from numbers import Real
from typing import ClassVar

__all__ = ["BASE_SYMBOLS", "DIMENSIONLESS", "Dimension", "DimensionMismatchError"]

# Order of the exponents: length, mass, time, current, temperature, amount, luminosity.
BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")

Exponent = int | float


def _normalise_exponent(value: Real) -> Exponent:
    """An exponent as an int when it is integral, else a float rounded to hide float noise."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"A dimension exponent must be a real number, got {value!r}.")
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value.numerator)
    as_float = float(value)
    nearest = round(as_float)
    if abs(as_float - nearest) < 1e-9:
        return int(nearest)
    return round(as_float, 10)


def _format_exponent(exponent: Exponent) -> str:
    return str(exponent)


class Dimension:
    """The exponents of the 7 SI base units; one shared object per distinct set of exponents.

    Because dimensions are interned, ``a == b`` is ``a is b`` and hashing is by identity, which
    keeps dimension arithmetic in the inner paths of ``Quantity`` to a dictionary look-up.

    Example:

    >>> get_dimensions(mV) is get_dimensions(volt)
    True
    >>> print(get_dimensions(nS / cm**2))
    m^-4 kg^-1 s^3 A^2
    >>> is_dimensionless(DIMENSIONLESS)
    True
    """

    __slots__ = ("exponents", "__weakref__")
    exponents: tuple[Exponent, ...]

    _interned: ClassVar[dict[tuple[Exponent, ...], Dimension]] = {}
    _products: ClassVar[dict[tuple[Dimension, Dimension], Dimension]] = {}
    _quotients: ClassVar[dict[tuple[Dimension, Dimension], Dimension]] = {}

    def __new__(cls, exponents: tuple[Real, ...] | None = None, **by_symbol: Real) -> Dimension:
        if exponents is None:
            unknown = set(by_symbol) - set(BASE_SYMBOLS)
            if unknown:
                raise TypeError(
                    f"Unknown base dimension symbol(s) {sorted(unknown)}; expected some of "
                    f"{', '.join(BASE_SYMBOLS)}."
                )
            exponents = tuple(by_symbol.get(symbol, 0) for symbol in BASE_SYMBOLS)
        elif by_symbol:
            raise TypeError("Give a Dimension either an exponent tuple or keywords, not both.")
        key = tuple(exponents)
        existing = cls._interned.get(key)
        if existing is not None:
            return existing
        if len(key) != len(BASE_SYMBOLS):
            raise ValueError(
                f"A dimension needs {len(BASE_SYMBOLS)} exponents ({', '.join(BASE_SYMBOLS)}), "
                f"got {len(key)}: {key!r}."
            )
        normalised = tuple(_normalise_exponent(value) for value in key)
        existing = cls._interned.get(normalised)
        if existing is None:
            candidate = object.__new__(cls)
            object.__setattr__(candidate, "exponents", normalised)
            # setdefault is atomic, so two threads never intern two different objects.
            existing = cls._interned.setdefault(normalised, candidate)
        cls._interned[key] = existing
        return existing

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Dimension objects are immutable.")

    def __reduce__(self):
        return (Dimension, (self.exponents,))

    def __copy__(self) -> Dimension:
        return self

    def __deepcopy__(self, memo: dict) -> Dimension:
        return self

    @property
    def is_dimensionless(self) -> bool:
        return self is DIMENSIONLESS

    def __mul__(self, other: Dimension) -> Dimension:
        if not isinstance(other, Dimension):
            return NotImplemented
        key = (self, other)
        product = Dimension._products.get(key)
        if product is None:
            product = Dimension(
                tuple(a + b for a, b in zip(self.exponents, other.exponents, strict=True))
            )
            Dimension._products[key] = product
        return product

    def __truediv__(self, other: Dimension) -> Dimension:
        if not isinstance(other, Dimension):
            return NotImplemented
        key = (self, other)
        quotient = Dimension._quotients.get(key)
        if quotient is None:
            quotient = Dimension(
                tuple(a - b for a, b in zip(self.exponents, other.exponents, strict=True))
            )
            Dimension._quotients[key] = quotient
        return quotient

    def __pow__(self, exponent: Real) -> Dimension:
        exponent = _normalise_exponent(exponent)
        if exponent == 1:
            return self
        return Dimension(tuple(a * exponent for a in self.exponents))

    def __str__(self) -> str:
        if self is DIMENSIONLESS:
            return "1"
        parts = []
        for symbol, exponent in zip(BASE_SYMBOLS, self.exponents, strict=True):
            if exponent == 1:
                parts.append(symbol)
            elif exponent != 0:
                parts.append(f"{symbol}^{_format_exponent(exponent)}")
        return " ".join(parts)

    def __repr__(self) -> str:
        if self is DIMENSIONLESS:
            return "DIMENSIONLESS"
        keywords = ", ".join(
            f"{symbol}={exponent}"
            for symbol, exponent in zip(BASE_SYMBOLS, self.exponents, strict=True)
            if exponent != 0
        )
        return f"Dimension({keywords})"


DIMENSIONLESS = Dimension((0, 0, 0, 0, 0, 0, 0))


class DimensionMismatchError(Exception):
    """Raised when an operation combines or receives quantities of incompatible dimensions.

    ``dims`` holds the dimensions involved, in the order of the operands.

    Example:

    >>> try:
    ...     3 * mV + 2 * ms
    ... except DimensionMismatchError as error:
    ...     print(error)
    Cannot calculate 3. mV + 2. ms, units do not match (units are V and s).
    """

    def __init__(self, description: str, *dims: Dimension) -> None:
        self.description = description
        self.dims = dims
        super().__init__(description, *dims)

    def __str__(self) -> str:
        if not self.dims:
            return self.description
        from axonal.units.display import dimension_display_name

        names = [dimension_display_name(dim) for dim in self.dims]
        if len(names) == 1:
            return f"{self.description} (unit is {names[0]})."
        return f"{self.description} (units are {' and '.join(names)})."
