"""Cents as text, the way each format wants them."""


def euros(cents: int, decimal: str = ".") -> str:
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}{decimal}{rest:02d}"


def hours(minutes: int, decimal: str = ".") -> str:
    sign = "-" if minutes < 0 else ""
    whole, rest = divmod(abs(minutes), 60)
    return f"{sign}{whole}:{rest:02d}"
