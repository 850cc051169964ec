"""relabel: every string of the evidence passes through the source's mapping, nested or frozen, and
nothing unchanged is rewritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from core.sources.relabel import relabel


class Pair(NamedTuple):
    a: str
    b: int


@dataclass(frozen=True)
class Ref:
    location: str


@dataclass
class Holder:
    name: str
    refs: list[Ref] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)
    pair: Pair = field(default_factory=lambda: Pair("/tmp/x/drivers/a.sys", 1))
    shared: list[str] = field(default_factory=list)


def test_every_nested_string_is_mapped_and_unchanged_values_are_left_alone() -> None:
    shared = ["nothing private"]
    holder = Holder("/tmp/x/dumps/m.dmp: bad header", [Ref("/tmp/x/drivers/a.sys")],
                    {"/tmp/x/k": "v /tmp/x/v"}, shared=shared)
    relabel(holder, lambda s: s.replace("/tmp/x/", "b.zip!"))
    assert holder.name == "b.zip!dumps/m.dmp: bad header"
    assert holder.refs == [Ref("b.zip!drivers/a.sys")]
    assert holder.data == {"b.zip!k": "v b.zip!v"}
    assert holder.pair == Pair("b.zip!drivers/a.sys", 1) and isinstance(holder.pair, Pair)
    assert holder.shared is shared


@dataclass(eq=False)
class Node:
    name: str
    others: list[Node] = field(default_factory=list)


def test_objects_reachable_twice_or_in_a_cycle_are_mapped_once() -> None:
    node = Node("/tmp/x/a")
    node.others = [node, node]  # as Evidence.machines holds the Evidence itself
    relabel(node, lambda s: s.replace("/tmp/x/", "b.zip!"))
    assert node.name == "b.zip!a" and node.others[0] is node
