"""Tables of named functions filled by a decorator (code generators, batch upgrades): one way to write them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def registrar(table: dict[str, F]) -> Callable[[str], Callable[[F], F]]:
    """``register = registrar(TABLE)``; then ``@register("name")`` puts the function in ``TABLE`` as is."""

    def register(name: str) -> Callable[[F], F]:
        def wrap(func: F) -> F:
            table[name] = func
            return func

        return wrap

    return register
