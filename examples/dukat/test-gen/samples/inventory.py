"""A sample module to generate tests for: a small stock inventory."""

from dataclasses import dataclass
from typing import Dict


@dataclass
class Item:
    sku: str
    price_cents: int


class Inventory:
    def __init__(self, warehouse: str, items=None):
        self.warehouse = warehouse
        self._stock: Dict[str, int] = dict(items or {})

    def add(self, sku: str, quantity: int) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self._stock[sku] = self._stock.get(sku, 0) + quantity

    def remove(self, sku: str, quantity: int) -> None:
        if self._stock.get(sku, 0) < quantity:
            raise KeyError(sku)
        self._stock[sku] -= quantity

    def count(self, sku: str) -> int:
        return self._stock.get(sku, 0)

    def _audit(self) -> None:
        pass


def total_value(inventory: Inventory, prices: Dict[str, int]) -> int:
    return sum(inventory.count(sku) * cents for sku, cents in prices.items())


async def fetchRemoteStock(url: str, *, timeout: float = 5.0) -> Dict[str, int]:
    raise NotImplementedError


def _private_helper() -> None:
    pass
