"""The componentize-py fixture: the world `app` of wit/app.wit, in Python."""
import wit_world
from wit_world import Item


class WitWorld(wit_world.WitWorld):
    def greet(self, name: str) -> str:
        return f"Hello, {name}!"

    def summarize(self, items: list[Item]) -> tuple[float, list[str]]:
        total = sum(item.quantity * item.unit_price for item in items)
        return total, [item.name for item in items if item.quantity == 0]

    def longest_words(self, text: str, limit: int) -> list[str] | None:
        words = text.split()
        if not words:
            return None
        return sorted(words, key=len, reverse=True)[:limit]
