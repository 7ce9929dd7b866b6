"""Small-number suppression for partnership figures, including by difference (ADR 0008).

A partnership's figures are the cells of one table (a "cube"): the leaves the SQL
counted, e.g. (module, organisation), and every total above them along two hierarchies,
e.g. module -> all modules and organisation -> sector -> all organisations. Every
response for a partnership publishes some of these nodes, so suppressing on the whole
cube once makes every response agree with every other.

Primary suppression hides every count below the threshold, zero included (a zero says
something about each person in the group). Complementary suppression then walks every
"line" (a total and the nodes that add up to it): where a line hides anything, it must
hide at least two of its parts, and the parts it hides must add up to at least the
threshold while the total is shown, so no subtraction recovers a hidden count or pins it
near zero. It hides the smallest shown part first, and the total only when no part is
left. The walk repeats until nothing changes, so the result is the same whichever
order a response asks for.
"""

from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ALL = "__all__"
"""The root of every hierarchy: all organisations, all modules, all months."""


@dataclass(frozen=True)
class Hierarchy:
    """How leaves of one dimension roll up: each node's parents (the root has none).

    A node may have several parents (a competency rolls up to its domain and to its
    level, both of which roll up to the root).
    """

    parents: Mapping[Hashable, tuple[Hashable, ...]]

    def children(self) -> dict[Hashable, list[Hashable]]:
        result: dict[Hashable, list[Hashable]] = defaultdict(list)
        for node, parents in self.parents.items():
            for parent in parents:
                result[parent].append(node)
        return result


def flat(leaves: Iterable[Hashable]) -> Hierarchy:
    """A one-level hierarchy: every leaf adds up to the root."""
    return Hierarchy(dict.fromkeys(leaves, (ALL,)))


Node = tuple[Hashable, Hashable]


@dataclass
class Cube:
    """Counts at every node of two crossed hierarchies, for several figures at once."""

    values: dict[Node, list[int]]
    lines: list[tuple[Node, list[Node]]]

    @classmethod
    def build(
        cls,
        leaves: Mapping[Node, Sequence[int]],
        first: Hierarchy,
        second: Hierarchy,
        width: int,
    ) -> "Cube":
        """Add every leaf into each pair of its ancestors; list every line that exists."""
        values: dict[Node, list[int]] = {}
        first_up: dict[Hashable, set[Hashable]] = {}
        second_up: dict[Hashable, set[Hashable]] = {}
        for (one, two), figures in leaves.items():
            ups_one = first_up.get(one) or first_up.setdefault(one, _closure(first, one))
            ups_two = second_up.get(two) or second_up.setdefault(two, _closure(second, two))
            for a in ups_one:
                for b in ups_two:
                    totals = values.get((a, b))
                    if totals is None:
                        values[(a, b)] = list(figures)
                    else:
                        for index in range(width):
                            totals[index] += figures[index]
        first_nodes = {a for a, _ in values}
        second_nodes = {b for _, b in values}
        lines = [
            *_lines(first, first_nodes, second_nodes, values, lambda own, other: (own, other)),
            *_lines(second, second_nodes, first_nodes, values, lambda own, other: (other, own)),
        ]
        return cls(values=values, lines=lines)

    def suppress(self, threshold: int) -> list[set[Node]]:
        """The hidden nodes of each figure (primary and complementary)."""
        width = len(next(iter(self.values.values()), []))
        return [
            protect({node: v[index] for node, v in self.values.items()}, self.lines, threshold)
            for index in range(width)
        ]


def _order(item: tuple[Hashable, Any]) -> str:
    return repr(item[0])


def _lines(
    hierarchy: Hierarchy,
    own_nodes: set[Hashable],
    other_nodes: set[Hashable],
    values: Mapping[Node, Sequence[int]],
    node: Callable[[Hashable, Hashable], Node],
) -> list[tuple[Node, list[Node]]]:
    """The lines along one hierarchy: for each of its totals and each node of the other
    hierarchy, the total and the parts that add up to it (`node` puts a pair in the
    cube's order)."""
    lines: list[tuple[Node, list[Node]]] = []
    for parent, kids in sorted(hierarchy.children().items(), key=_order):
        if parent not in own_nodes:
            continue
        for other in sorted(other_nodes, key=repr):
            members = [node(kid, other) for kid in sorted(kids, key=repr)]
            members = [member for member in members if member in values]
            if node(parent, other) in values and members:
                lines.append((node(parent, other), members))
    return lines


def _closure(hierarchy: Hierarchy, node: Hashable) -> set[Hashable]:
    seen = {node, ALL}
    todo = [node]
    while todo:
        for parent in hierarchy.parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def protect(
    values: Mapping[Node, int], lines: Sequence[tuple[Node, list[Node]]], threshold: int
) -> set[Node]:
    """Hide counts below the threshold, then hide more until no line gives one away."""
    hidden = {node for node, value in values.items() if value < threshold}
    if not hidden:
        return hidden
    lines_of: dict[Node, list[int]] = defaultdict(list)
    for number, (parent, members) in enumerate(lines):
        lines_of[parent].append(number)
        for member in members:
            lines_of[member].append(number)
    todo = deque(sorted({n for node in hidden for n in lines_of[node]}))
    queued = set(todo)

    def hide(node: Node) -> None:
        hidden.add(node)
        for number in lines_of[node]:
            if number not in queued:
                queued.add(number)
                todo.append(number)

    while todo:
        number = todo.popleft()
        queued.discard(number)
        _protect_line(lines[number], values, hidden, threshold, hide)
    return hidden


def _protect_line(
    line: tuple[Node, list[Node]],
    values: Mapping[Node, int],
    hidden: set[Node],
    threshold: int,
    hide: Callable[[Node], None],
) -> None:
    parent, members = line
    shown = sorted((m for m in members if m not in hidden), key=lambda m: (values[m], repr(m)))
    hidden_members = [m for m in members if m in hidden]
    if parent in hidden:
        # The total is hidden: its parts must not all be shown, or they add up to it.
        if not hidden_members and shown:
            hide(shown[0])
        return
    if not hidden_members:
        return
    # The total is shown: the hidden parts are known to add up to (total - shown parts).
    total_hidden = sum(values[m] for m in hidden_members)
    count = len(hidden_members)
    for member in shown:
        if count >= 2 and total_hidden >= threshold:
            return
        hide(member)
        count += 1
        total_hidden += values[member]
    if count < 2 or total_hidden < threshold:
        hide(parent)
