"""Loop code as a small tree (statements, loops, conditions, functions), printed with indentation.

Printers build these nodes instead of indented text (the idea of ``sympy.codegen.ast`` and its
printers, written for our few needs): what a piece of code is, a loop split between threads
or a function of its own, is a property of its node, so nothing needs to search or cut
printed text, and indentation is the printer's business alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__: list[str] = []  # internal room: nothing here is part of the user's namespace


@dataclass
class Line:
    """One simple statement (an assignment, a return) or a comment, printed as it is."""

    text: str


@dataclass
class For:
    """``for target in range(*bounds)``; ``prange`` when ``parallel`` (iterations on threads)."""

    target: str
    bounds: tuple[str, ...]
    body: list = field(default_factory=list)
    parallel: bool = False


@dataclass
class If:
    condition: str
    body: list = field(default_factory=list)


@dataclass
class While:
    condition: str
    body: list = field(default_factory=list)


@dataclass
class Function:
    """A function of its own: its decorator line, name, parameters and body."""

    name: str
    parameters: list[str]
    body: list
    decorator: str


Node = Line | For | If | While | Function


def print_nodes(nodes: list[Node], depth: int = 0) -> list[str]:
    """The nodes as source lines, ``depth`` levels of four spaces deep."""
    indent = "    " * depth
    lines: list[str] = []
    for node in nodes:
        if isinstance(node, Line):
            lines.append(indent + node.text)
        elif isinstance(node, For):
            loop = "prange" if node.parallel else "range"
            lines.append(f"{indent}for {node.target} in {loop}({', '.join(node.bounds)}):")
            lines += print_nodes(node.body, depth + 1)
        elif isinstance(node, If | While):
            keyword = "if" if isinstance(node, If) else "while"
            lines.append(f"{indent}{keyword} {node.condition}:")
            lines += print_nodes(node.body, depth + 1)
        else:
            lines.append(indent + node.decorator)
            lines.append(f"{indent}def {node.name}({', '.join(node.parameters)}):")
            lines += print_nodes(node.body, depth + 1)
    return lines


def runs_on_threads(nodes: list[Node]) -> bool:
    """Whether some loop among ``nodes`` (at any depth) splits its iterations between threads."""
    for node in nodes:
        if isinstance(node, For) and node.parallel:
            return True
        if not isinstance(node, Line) and runs_on_threads(node.body):
            return True
    return False
